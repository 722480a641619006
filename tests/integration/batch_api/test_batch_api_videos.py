"""Video registration over HTTP: media paths and uploads, transcripts in three formats, probed durations."""

import asyncio
import codecs
import json
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from viralclip_testkit.media import write_blank_video, write_timestamp_video

pytestmark = pytest.mark.integration

NewVideo = Callable[..., Awaitable[dict[str, Any]]]
FIXTURES = Path(__file__).parents[2] / "unit" / "batch_api" / "transcripts"
SRT = "1\n00:00:00,500 --> 00:00:01,500\nHello there.\n\n2\n00:00:01,500 --> 00:00:02,500\nGoodbye.\n"
SRT_PAST_THE_END = SRT.replace("00:00:02,500", "00:00:09,000")  # the video lasts 3 s
VTT = "WEBVTT\n\n00:00:00.000 --> 00:00:01.250\n<v Ann>Hi!\n\n00:00:01.250 --> 00:00:02.000\nBye.\n"


@pytest.fixture(scope="module")
async def real_video(shared_api: Any) -> Path:
    """A 3-second video under the media root, to probe."""
    path = shared_api.settings.media_root / "videos" / "three-seconds.mp4"
    path.parent.mkdir(parents=True, exist_ok=True)
    await asyncio.to_thread(write_timestamp_video, path, 3)
    return path


@pytest.fixture(scope="module")
async def fifteen_seconds(shared_api: Any) -> Path:
    """A blank 15-second video under the media root, the length of the Whisper fixture."""
    path = shared_api.settings.media_root / "videos" / "fifteen-seconds.mp4"
    return await asyncio.to_thread(write_blank_video, path, 15)


def _body(**fields: Any) -> dict[str, Any]:
    return {"video_id": f"v-{uuid.uuid4().hex[:10]}", "title": "Moon", "transcript": SRT, **fields}


async def test_a_registered_video_reads_back_with_its_parsed_transcript(
    client: httpx.AsyncClient, new_video: NewVideo
) -> None:
    video = await new_video(duration_sec=600, language="id", summary="About the Moon.")

    fetched = await client.get(f"/videos/{video['video_id']}")

    assert fetched.status_code == 200
    assert fetched.json() == video
    assert (video["language"], video["summary"], video["duration_sec"]) == ("id", "About the Moon.", 600)
    assert [s["text"] for s in video["transcript"]] == [
        "Why the Moon?",
        "Because it is close.",
        "And it has water ice.",
    ]


async def test_srt_transcript_and_duration_probed_from_the_media(
    client: httpx.AsyncClient, real_video: Path
) -> None:
    response = await client.post("/videos", json=_body(media_path="videos/three-seconds.mp4"))

    assert response.status_code == 201, response.text
    video = response.json()
    assert video["duration_sec"] == pytest.approx(3.0, abs=0.3)
    assert [(s["start_sec"], s["end_sec"], s["text"]) for s in video["transcript"]] == [
        (0.5, 1.5, "Hello there."),
        (1.5, 2.5, "Goodbye."),
    ]


async def test_multipart_upload_is_stored_under_the_media_root_with_a_webvtt_file(
    client: httpx.AsyncClient, real_video: Path, media_root: Path
) -> None:
    video_id = f"v-{uuid.uuid4().hex[:10]}"
    content = await asyncio.to_thread(real_video.read_bytes)
    files = {
        "media": ("my talk.mp4", content, "video/mp4"),
        "transcript": ("talk.vtt", VTT.encode(), "text/vtt"),
    }
    data = {
        "video_id": video_id,
        "title": "Uploaded",
        "scenes": '[{"scene_id": "s0", "start_sec": 0, "end_sec": 3}]',
    }

    response = await client.post("/videos", data=data, files=files)

    assert response.status_code == 201, response.text
    video = response.json()
    assert video["media_path"] == f"uploads/{video_id}/my_talk.mp4"
    assert await asyncio.to_thread((media_root / video["media_path"]).read_bytes) == content
    assert video["duration_sec"] == pytest.approx(3.0, abs=0.3)
    assert video["transcript"][0] == {
        "start_sec": 0.0,
        "end_sec": 1.25,
        "text": "Hi!",
        "speaker": "Ann",
        "words": [{"text": "Hi!", "start_sec": 0.0, "end_sec": 1.25, "confidence": None, "estimated": True}],
    }
    assert video["scenes"] == [{"scene_id": "s0", "start_sec": 0.0, "end_sec": 3.0}]


async def test_media_transcript_and_scenes_each_as_a_file_register_as_the_review_page_sends_them(
    client: httpx.AsyncClient, real_video: Path
) -> None:
    content = await asyncio.to_thread(real_video.read_bytes)
    scenes = b'[{"scene_id": "s0", "start_sec": 0, "end_sec": 3}]'
    files = {
        "media": ("talk.mp4", content, "video/mp4"),
        "transcript": ("talk.srt", SRT.encode(), "application/x-subrip"),
        "scenes": ("talk.scenes.json", scenes, "application/json"),
    }

    response = await client.post("/videos", data={"title": "Three files"}, files=files)

    assert response.status_code == 201, response.text
    video = response.json()
    assert [s["text"] for s in video["transcript"]] == ["Hello there.", "Goodbye."]
    assert video["scenes"] == [{"scene_id": "s0", "start_sec": 0.0, "end_sec": 3.0}]


@pytest.mark.parametrize(
    "encoded",
    [
        codecs.BOM_UTF16_LE + SRT.encode("utf-16-le"),  # what Windows subtitle editors save as "Unicode"
        codecs.BOM_UTF16_BE + SRT.encode("utf-16-be"),
        codecs.BOM_UTF8 + SRT.encode(),
        SRT.encode(),
    ],
    ids=["utf-16-le-bom", "utf-16-be-bom", "utf-8-bom", "utf-8"],
)
async def test_a_transcript_file_in_utf_16_or_utf_8_is_read_by_its_byte_order_mark(
    client: httpx.AsyncClient, real_video: Path, encoded: bytes
) -> None:
    content = await asyncio.to_thread(real_video.read_bytes)
    files = {"media": ("a.mp4", content, "video/mp4"), "transcript": ("talk.srt", encoded, "text/plain")}

    response = await client.post("/videos", data=_body(duration_sec="3"), files=files)

    assert response.status_code == 201, response.text
    assert [s["text"] for s in response.json()["transcript"]] == ["Hello there.", "Goodbye."]


@pytest.mark.parametrize(
    "encoded",
    [
        (SRT + "Café.\n").encode("cp1252"),
        SRT.encode("utf-16-le"),  # no byte-order mark: nothing says it is UTF-16
        SRT.encode("utf-32"),
    ],
    ids=["cp1252", "utf-16-without-bom", "utf-32"],
)
async def test_a_transcript_file_in_another_encoding_is_422_saying_which_are_accepted(
    client: httpx.AsyncClient, encoded: bytes
) -> None:
    files = {"media": ("a.mp4", b"x", "video/mp4"), "transcript": ("talk.srt", encoded, "text/plain")}

    response = await client.post("/videos", data=_body(duration_sec="3"), files=files)

    assert response.status_code == 422, response.text
    detail = response.json()["detail"][0]
    assert detail["loc"] == ["body", "transcript"]
    assert "UTF-8" in detail["msg"]
    assert "UTF-16 with a byte-order mark" in detail["msg"]


async def test_a_whisper_json_posted_as_is_yields_a_video_whose_words_read_back(
    client: httpx.AsyncClient, fifteen_seconds: Path
) -> None:
    whisper = json.loads((FIXTURES / "faster-whisper-words.json").read_text(encoding="utf-8"))
    body = _body(media_path="videos/fifteen-seconds.mp4", duration_sec=15, transcript=whisper)

    created = await client.post("/videos", json=body)
    fetched = await client.get(f"/videos/{body['video_id']}")

    assert created.status_code == 201, created.text
    video = fetched.json()
    assert video["language"] == "id"  # detected by Whisper; the request gave none
    first = video["transcript"][0]
    assert first["text"] == "Selamat pagi semuanya, hari ini kita belajar tentang bulan."
    assert first["words"][0] == {
        "text": "Selamat",
        "start_sec": 0.0,
        "end_sec": 0.52,
        "confidence": 0.912,
        "estimated": False,
    }
    assert len(video["transcript"]) == 2  # the blank segment is dropped
    as_text = _body(media_path="videos/fifteen-seconds.mp4", duration_sec=15, transcript=json.dumps(whisper))
    again = await client.post("/videos", json={**as_text, "language": "ms"})
    assert again.status_code == 201, again.text
    assert again.json()["language"] == "ms"  # the request's language wins
    assert again.json()["transcript"] == video["transcript"]


async def test_a_bad_word_is_422_naming_the_segment_and_the_word(
    client: httpx.AsyncClient, fifteen_seconds: Path
) -> None:
    whisper = json.loads((FIXTURES / "faster-whisper-words.json").read_text(encoding="utf-8"))
    whisper["segments"][2]["words"][3]["end"] = 1.0

    response = await client.post(
        "/videos", json=_body(media_path="videos/fifteen-seconds.mp4", duration_sec=15, transcript=whisper)
    )

    assert response.status_code == 422, response.text
    detail = response.json()["detail"][0]
    assert detail["loc"] == ["body", "transcript[2].words[3].end_sec"]
    assert "before start" in detail["msg"]


@pytest.mark.parametrize(
    ("fields", "loc"),
    [
        ({"media_path": "../../etc/passwd", "duration_sec": 10}, ["body", "media_path"]),
        ({"media_path": "/etc/passwd", "duration_sec": 10}, ["body", "media_path"]),
        ({"media_path": "videos/missing.mp4", "duration_sec": 10}, ["body", "media_path"]),
        ({"media_path": "videos/three-seconds.mp4", "transcript": "WEBVTT\n\nnonsense -->"}, None),
        (
            {"media_path": "videos/three-seconds.mp4", "transcript": '[{"start": 0}]'},
            ["body", "transcript[0].end_sec"],
        ),
        (
            {"media_path": "videos/three-seconds.mp4", "transcript": SRT_PAST_THE_END},
            ["body", "transcript[1].end_sec"],
        ),
        ({"media_path": "videos/three-seconds.mp4", "duration_sec": -5}, ["body", "duration_sec"]),
        ({"media_path": "videos/three-seconds.mp4", "fps": 30}, ["body", "fps"]),
        (
            {"media_path": "videos/three-seconds.mp4", "transcript_format": "docx"},
            ["body", "transcript_format"],
        ),
    ],
)
async def test_bad_registrations_are_422_naming_the_field(
    client: httpx.AsyncClient, real_video: Path, fields: dict[str, Any], loc: list[str] | None
) -> None:
    response = await client.post("/videos", json=_body(**fields))

    assert response.status_code == 422, response.text
    detail = response.json()["detail"][0]
    if loc is not None:
        assert detail["loc"] == loc
    else:
        assert detail["loc"][1].startswith("transcript")
    assert detail["msg"]


@pytest.mark.parametrize(
    "transcript",
    [
        "",
        [],
        {"segments": []},
        [{"start_sec": 0, "end_sec": 1, "text": " "}],
        "1\n00:00:00,000 --> 00:00:01,000\n \n",
    ],
)
async def test_a_transcript_without_a_word_is_422_as_empty_and_no_video_is_stored(
    client: httpx.AsyncClient, real_video: Path, transcript: Any
) -> None:
    body = _body(media_path="videos/three-seconds.mp4", duration_sec=3, transcript=transcript)

    response = await client.post("/videos", json=body)

    assert response.status_code == 422, response.text
    detail = response.json()["detail"][0]
    assert detail["loc"] == ["body", "transcript"]
    assert detail["msg"].startswith("is empty")
    assert (await client.get(f"/videos/{body['video_id']}")).status_code == 404


async def test_a_registration_without_a_transcript_stays_422_naming_it(
    client: httpx.AsyncClient, real_video: Path
) -> None:
    body = _body(media_path="videos/three-seconds.mp4", duration_sec=3)
    del body["transcript"]
    body["scenes"] = [{"scene_id": "s0", "start_sec": 0, "end_sec": 3}]

    response = await client.post("/videos", json=body)

    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == ["body", "transcript"]


async def test_a_language_that_is_no_bcp47_tag_is_422_naming_it_as_json_and_as_a_form(
    client: httpx.AsyncClient, real_video: Path
) -> None:
    as_json = _body(media_path="videos/three-seconds.mp4", duration_sec=3, language="klingon!!")
    as_form = _body(duration_sec="3", language="klingon!!")
    tagged = _body(media_path="videos/three-seconds.mp4", duration_sec=3, language="zh-Hant-TW")

    json_answer = await client.post("/videos", json=as_json)
    form_answer = await client.post("/videos", data=as_form, files={"media": ("a.mp4", b"x", "video/mp4")})
    accepted = await client.post("/videos", json=tagged)

    for answer in (json_answer, form_answer):
        assert answer.status_code == 422, answer.text
        detail = answer.json()["detail"][0]
        assert detail["loc"] == ["body", "language"]
        assert "BCP-47" in detail["msg"]
    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["language"] == "zh-Hant-TW"


async def test_an_srt_with_a_bad_timing_line_is_422_naming_and_quoting_that_line(
    client: httpx.AsyncClient, real_video: Path
) -> None:
    srt_text = "1\n00:00:01,000 --> banana\nHello.\n"
    body = _body(media_path="videos/three-seconds.mp4", duration_sec=3, transcript=srt_text)

    response = await client.post("/videos", json=body)

    assert response.status_code == 422, response.text
    detail = response.json()["detail"][0]
    assert detail["loc"] == ["body", "transcript (SRT, line 2)"]
    assert "'00:00:01,000 --> banana'" in detail["msg"]


async def test_a_file_that_is_not_a_video_is_422_on_media_path_even_with_a_duration(
    client: httpx.AsyncClient, media_root: Path
) -> None:
    (media_root / "videos").mkdir(exist_ok=True)
    (media_root / "videos" / "scenes.json").write_text('{"scenes": []}')

    without = await client.post("/videos", json=_body(media_path="videos/scenes.json"))
    given = await client.post("/videos", json=_body(media_path="videos/scenes.json", duration_sec=60))
    not_a_video = {"media": ("a.mp4", b"not a video", "video/mp4")}
    uploaded = await client.post("/videos", data=_body(), files=not_a_video)

    for answer, field in ((without, "media_path"), (given, "media_path"), (uploaded, "media")):
        assert answer.status_code == 422, answer.text
        detail = answer.json()["detail"][0]
        assert detail["loc"] == ["body", field]
        assert "is not a readable video" in detail["msg"]
        assert str(media_root) not in detail["msg"]


async def test_a_given_duration_must_be_the_files_within_a_second(
    client: httpx.AsyncClient, real_video: Path
) -> None:
    """A 10-hour duration given for a 3-second file would let clips run past the video's end."""
    far = await client.post("/videos", json=_body(media_path="videos/three-seconds.mp4", duration_sec=36000))
    near = await client.post("/videos", json=_body(media_path="videos/three-seconds.mp4", duration_sec=3.4))

    assert far.status_code == 422, far.text
    detail = far.json()["detail"][0]
    assert detail["loc"] == ["body", "duration_sec"]
    assert detail["msg"].startswith("36000 s, but the video file lasts 3.")
    assert near.status_code == 201, near.text
    assert near.json()["duration_sec"] == pytest.approx(3.0, abs=0.3)  # the probed one is stored


async def test_multipart_without_the_media_file_is_422(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/videos", data={"title": "x", "transcript": SRT}, files={"other": ("a", b"x")}
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "media"]


async def test_malformed_json_and_unknown_content_types_are_4xx(client: httpx.AsyncClient) -> None:
    broken = await client.post("/videos", content=b"{not json", headers={"content-type": "application/json"})
    text = await client.post("/videos", content=b"hello", headers={"content-type": "text/plain"})

    assert broken.status_code == 422
    assert text.status_code == 415


@pytest.mark.parametrize(
    ("body", "position", "reason"),
    [
        (b'{"title": "Moon",\n "media_path": }', 33, "Expecting value"),
        (b"{not json", 1, "Expecting property name enclosed in double quotes"),
        (b"  ", 2, "Expecting value"),
    ],
)
async def test_malformed_json_is_422_with_the_decoders_reason_and_position_as_on_other_routes(
    client: httpx.AsyncClient, body: bytes, position: int, reason: str
) -> None:
    headers = {"content-type": "application/json"}

    video = await client.post("/videos", content=body, headers=headers)
    batch = await client.post("/videos/v-any/clip-batches", content=body, headers=headers)

    assert video.status_code == 422, video.text
    (detail,) = video.json()["detail"]
    assert (detail["type"], detail["loc"], detail["ctx"]) == (
        "json_invalid",
        ["body", position],
        {"error": reason},
    )
    assert video.json() == batch.json()  # the answer FastAPI gives on a route whose body it parses


@pytest.mark.parametrize(("body", "status"), [(b"", 422), (b'{"title": "Caf\xe9"}', 400)])
async def test_an_empty_or_non_utf8_json_body_is_answered_as_on_other_routes(
    client: httpx.AsyncClient, body: bytes, status: int
) -> None:
    headers = {"content-type": "application/json"}

    video = await client.post("/videos", content=body, headers=headers)
    batch = await client.post("/videos/v-any/clip-batches", content=body, headers=headers)

    assert video.status_code == batch.status_code == status, video.text
    assert video.json() == batch.json()


async def test_a_taken_video_id_is_409_and_an_unknown_one_404(
    client: httpx.AsyncClient, new_video: NewVideo
) -> None:
    video = await new_video()

    again = await client.post(
        "/videos", json=_body(video_id=video["video_id"], media_path=video["media_path"], duration_sec=9)
    )
    missing = await client.get("/videos/v-does-not-exist")

    assert again.status_code == 409
    assert missing.status_code == 404
    assert missing.json() == {"detail": "video 'v-does-not-exist' not found"}


async def test_a_non_finite_duration_is_422_not_a_video_of_endless_length(
    client: httpx.AsyncClient, new_video: NewVideo, media_root: Path
) -> None:
    video = await new_video()  # its media file is reused
    video_bytes = await asyncio.to_thread((media_root / video["media_path"]).read_bytes)
    as_json = _body(media_path=video["media_path"], duration_sec=float("inf"))
    as_form = _body(duration_sec="inf")

    json_answer = await client.post(
        "/videos",
        content=json.dumps(as_json).encode(),  # Python's JSON writes and reads `Infinity`
        headers={"content-type": "application/json"},
    )
    upload = {"media": ("a.mp4", video_bytes, "video/mp4")}
    form_answer = await client.post("/videos", data=as_form, files=upload)

    for answer in (json_answer, form_answer):
        assert answer.status_code == 422, answer.text
        assert answer.json()["detail"][0]["loc"] == ["body", "duration_sec"]
    assert (await client.get(f"/videos/{as_json['video_id']}")).status_code == 404


async def test_a_media_path_with_a_nul_byte_is_422_naming_it(client: httpx.AsyncClient) -> None:
    response = await client.post("/videos", json=_body(media_path="videos/a\x00.mp4", duration_sec=10))

    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == ["body", "media_path"]


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080/v.mp4", "file:///etc/passwd"])
async def test_a_media_path_that_is_a_url_is_422_saying_a_path_is_expected(
    client: httpx.AsyncClient, url: str
) -> None:
    response = await client.post("/videos", json=_body(media_path=url, duration_sec=10))

    assert response.status_code == 422, response.text
    detail = response.json()["detail"][0]
    assert detail["loc"] == ["body", "media_path"]
    assert detail["msg"].startswith(f"must be a path relative to the media root, not a URL (got {url!r})")


async def test_an_upload_whose_registration_is_refused_leaves_no_file_behind(
    client: httpx.AsyncClient, real_video: Path, media_root: Path
) -> None:
    video_id = f"v-{uuid.uuid4().hex[:10]}"
    content = await asyncio.to_thread(real_video.read_bytes)
    files = {
        "media": ("talk.mp4", content, "video/mp4"),
        "transcript": ("talk.srt", SRT_PAST_THE_END.encode(), "text/plain"),
    }
    data = {"video_id": video_id, "title": "Too short"}

    response = await client.post("/videos", data=data, files=files)

    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == ["body", "transcript[1].end_sec"]
    left = [p for p in (media_root / "uploads" / video_id).rglob("*") if p.is_file()]
    assert left == []
