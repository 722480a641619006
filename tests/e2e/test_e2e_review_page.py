"""The review page in a real Chromium (Debian's, headless, driven by Playwright) against the whole system:
a creator registers the sample, clicks Get Clips, watches the progress, reviews the grid and a clip's
Segment Detail, edits it; the keyboard and a 375-px phone screen reach all of it."""

import json
import re
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import BrowserContext, Page, expect

from viralclip_contracts import Video
from viralclip_localstack.client import ViralclipClient
from viralclip_testkit.browser import ARTIFACTS, chromium
from viralclip_testkit.responses_double import Behaviour, ResponsesDouble, Script
from viralclip_testkit.system import RunningSystem
from viralclip_testkit.waiting import eventually

pytestmark = pytest.mark.e2e

BATCH_TIMEOUT_MS = 120_000
# Every change of the batch progress bar's value, recorded from the moment the page loads.
PROGRESS_RECORDER = """
window.__progress = [];
new MutationObserver((changes) => {
  for (const change of changes) {
    if (change.target.closest && change.target.closest('#progress')) {
      window.__progress.push(Number(change.target.getAttribute('aria-valuenow')));
    }
  }
}).observe(document, {subtree: true, attributes: true, attributeFilter: ['aria-valuenow']});
"""
UNLABELLED_CONTROLS = """
() => [...document.querySelectorAll('input, select, textarea')]
  .filter((el) => el.type !== 'hidden' && !el.labels.length && !el.getAttribute('aria-label'))
  .map((el) => el.outerHTML.slice(0, 120))
"""
OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[BrowserContext]:
    async with chromium() as context:
        yield context


@pytest.fixture
async def page(browser: BrowserContext) -> AsyncIterator[Page]:
    page = await browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    await page.close()
    assert not errors, f"the page threw: {errors}"


@pytest.fixture(scope="module")
def site(system: RunningSystem) -> str:
    return system.fleet.url("batch-api")


@pytest.fixture(scope="module")
async def ready_batch(system: RunningSystem, sample_media: Video) -> dict[str, Any]:
    """A ready batch of the sample made through the API, for the keyboard and small-screen checks."""
    video = sample_media.model_copy(update={"video_id": f"v-ui-{uuid.uuid4().hex[:8]}"})
    async with ViralclipClient(system.api_url) as api:
        await api.register_video(video)
        batch = await api.create_batch(video.video_id, video_type="podcast", clip_length_preset="30-60s")
        done = await api.wait_until_done(batch["batch_id"], timeout=BATCH_TIMEOUT_MS / 1000)
    assert done["status"] == "ready", done.get("error_message")
    return done


def _shot(name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / name


async def _attributes(page: Page, selector: str, name: str) -> list[str]:
    values: list[str] = await page.locator(selector).evaluate_all(
        f"(els) => els.map((el) => el.getAttribute({json.dumps(name)}))"
    )
    return values


async def _set_range(page: Page, selector: str, value: float) -> None:
    await page.locator(selector).evaluate(
        "(el, v) => { el.value = String(v); el.dispatchEvent(new Event('input', {bubbles: true})); }", value
    )


async def _scores(page: Page) -> list[float]:
    return [float(s) for s in await _attributes(page, ".clip-card", "data-score")]


async def test_a_creator_registers_the_sample_gets_clips_and_reviews_them(
    page: Page,
    site: str,
    system: RunningSystem,
    sample_media: Video,
    responses_double: ResponsesDouble,
) -> None:
    responses_double.script(Script(default=Behaviour(latency_sec=1.0)))  # long enough to watch scoring
    media_file = system.media_root / sample_media.media_path
    video_id = f"v-ui-{uuid.uuid4().hex[:8]}"
    title = "Houston We Have a Podcast — the review page"
    await page.add_init_script(PROGRESS_RECORDER)
    media_answers: list[int] = []
    page.on("response", lambda r: media_answers.append(r.status) if "/media" in r.url else None)

    # Register: upload the sample and its transcript and scenes.
    await page.goto(f"{site}/")
    await expect(page.get_by_role("heading", name="Your videos")).to_be_visible()
    await page.get_by_label("Title").fill(title)
    await page.get_by_label("Video file").set_input_files(media_file)
    await page.get_by_label("Transcript file").set_input_files(
        media_file.with_name("hwhap-114.transcript.json")
    )
    await page.get_by_text("More options").click()
    await page.get_by_label("Scenes file").set_input_files(media_file.with_name("hwhap-114.scenes.json"))
    await page.get_by_label("Video id").fill(video_id)
    assert await page.evaluate(UNLABELLED_CONTROLS) == []
    await page.get_by_role("button", name="Register video").click()
    await expect(page).to_have_url(re.compile(f"#/videos/{video_id}$"))
    await expect(page.get_by_role("heading", level=1)).to_have_text(title)
    await page.screenshot(path=_shot("get-clips-1440.png"), full_page=True)

    # Get Clips: 30–60 s podcast clips from 0:20 (portrait, the default); two submissions at once.
    await expect(page.get_by_label("9:16 Portrait")).to_be_checked()
    await page.get_by_text("30–60 s", exact=True).click()
    await page.get_by_label("Genre").select_option("podcast")
    await page.get_by_label("From (mm:ss)").fill("0:20")
    assert await page.evaluate(UNLABELLED_CONTROLS) == []
    await page.locator("#get-clips-form").evaluate(
        "(form) => { form.requestSubmit(); form.requestSubmit(); }"
    )
    await expect(page).to_have_url(re.compile(r"#/batches/b-[0-9a-f]+$"))
    batch_id = page.url.rsplit("/", 1)[-1]

    # Progress from the event stream, then the grid.
    await expect(page.locator(".clip-card")).to_have_count(await _clip_count(system, batch_id, wait=page))
    seen: list[int] = await page.evaluate("window.__progress")
    assert seen == sorted(seen), seen
    assert seen[-1] == 100
    assert any(0 < value < 100 for value in seen), seen
    async with ViralclipClient(system.api_url) as api:
        batches = (await api.http.get(f"/videos/{video_id}/clip-batches")).json()
    assert batches["count"] == 1  # the idempotency key made one batch of the two submissions
    config = batches["data"][0]["config"]
    assert (config["aspect_ratio"], config["clip_length_preset"], config["video_type"]) == (
        "9:16",
        "30-60s",
        "podcast",
    )
    assert config["processing_timeframe"]["start_sec"] == 20

    scores = await _scores(page)
    assert len(scores) >= 5
    assert scores == sorted(scores, reverse=True)

    # The thumbnails loaded, and in the batch's aspect ratio.
    first_image = page.locator(".clip-card img").first
    await page.wait_for_function("() => document.querySelector('.clip-card img')?.naturalWidth > 0")
    size = await first_image.evaluate("(img) => [img.naturalWidth, img.naturalHeight, img.width, img.height]")
    assert size[0] > 0, "the thumbnail did not load"
    assert size[0] / size[1] == pytest.approx(9 / 16, rel=0.02)
    assert size[2] / size[3] == pytest.approx(9 / 16, rel=0.05)
    await page.screenshot(path=_shot("grid-1440.png"))

    # Sort by timeline, filter by a minimum score, see the empty state, clear it.
    async with httpx.AsyncClient(base_url=system.api_url) as http:
        answer = await http.get(f"/clip-batches/{batch_id}/clips", params={"sort": "time"})
    timeline = [c["clip_id"] for c in answer.json()["data"]]
    assert timeline != await _attributes(page, ".clip-card", "data-clip-id")  # the order really changes
    await page.get_by_text("Timeline", exact=True).click()
    await eventually(lambda: _shows(page, timeline), timeout=10, what="the grid in timeline order")
    starts = [float(s) for s in await _attributes(page, ".clip-card", "data-start")]
    assert starts == sorted(starts)
    await page.get_by_text("Top score", exact=True).click()
    threshold = sorted(scores)[len(scores) // 2] // 0.5 * 0.5
    await _set_range(page, "#min-score", threshold)
    await expect(page.locator(".clip-card")).to_have_count(sum(s >= threshold for s in scores))
    assert min(await _scores(page)) >= threshold
    await _set_range(page, "#min-score", 10)
    await expect(page.locator("#grid-empty")).to_contain_text("No clips score 10 or more")
    await page.get_by_role("button", name="Show all clips").click()
    await expect(page.locator(".clip-card")).to_have_count(len(scores))

    # Segment Detail: the player plays the clip's range of the source, served with byte ranges.
    card = page.locator(".clip-card").first
    clip_id = await card.get_attribute("data-clip-id")
    async with ViralclipClient(system.api_url) as api:
        clip = (await api.http.get(f"/clips/{clip_id}")).json()
    start, end = clip["start_time_sec"], clip["end_time_sec"]
    await card.click()
    dialog = page.locator("#clip-modal")
    await expect(dialog).to_be_visible()
    await expect(dialog).to_have_accessible_name(clip["title"])
    player = page.locator("#clip-player")
    await page.wait_for_function("() => document.querySelector('#clip-player')?.readyState >= 1")
    assert start - 0.5 <= await player.evaluate("(v) => v.currentTime") <= end
    target = start + (end - start) / 2
    landed = await player.evaluate(
        """(v, t) => new Promise((resolve) => {
            v.addEventListener('seeked', () => resolve(v.currentTime), {once: true});
            v.currentTime = t;
        })""",
        target,
    )
    assert start <= landed <= end
    assert abs(landed - target) < 1.0
    assert 206 in media_answers, media_answers
    await expect(dialog.locator("mark.hook")).not_to_have_count(0)
    assert (
        clip["hook"].lower().startswith((await dialog.locator("mark.hook").first.inner_text()).lower()[:20])
    )
    await expect(dialog.locator(".grade-grid .grade")).to_have_count(4)
    await expect(dialog.locator(".hashtags li")).to_have_count(len(clip["hashtags"]))
    assert await page.evaluate(UNLABELLED_CONTROLS) == []
    await page.screenshot(path=_shot("detail-1440.png"))

    # Edit the title; it persists across a reload (the URL names the open clip).
    new_title = f"The Moon, explained in 40 seconds {uuid.uuid4().hex[:4]}"
    await dialog.get_by_label("Title").fill(new_title)
    await dialog.get_by_role("button", name="Save changes").click()
    await expect(dialog.locator("#saved-note")).to_have_text("Saved.")
    await expect(page.locator(f'.clip-card[data-clip-id="{clip_id}"] .clip-title')).to_have_text(new_title)

    # Trim: two seconds off the end, typed as mm:ss.s; the API's answer is what the page shows.
    trimmed_end = round(end - 2.0, 1)
    await dialog.get_by_label("End (mm:ss.s)").fill(_clock(trimmed_end))
    await dialog.get_by_role("button", name="Save changes").click()
    await expect(dialog.locator("#saved-note")).to_have_text("Saved.")
    async with httpx.AsyncClient(base_url=system.api_url) as http:
        trimmed = (await http.get(f"/clips/{clip_id}")).json()
    assert trimmed["end_time_sec"] == pytest.approx(trimmed_end, abs=0.01)
    assert trimmed["status"] == "edited"
    await expect(dialog.locator("#clip-modal-title + p")).to_contain_text(f"– {_clock(trimmed_end)} ·")
    await page.reload()
    reopened = page.get_by_role("dialog", name=new_title)
    await expect(reopened).to_be_visible()
    await expect(reopened.get_by_label("Title")).to_have_value(new_title)
    await expect(reopened.locator("#clip-modal-title")).to_contain_text(new_title)
    await page.keyboard.press("Escape")
    await expect(reopened).to_be_hidden()
    await expect(page.locator(f'.clip-card[data-clip-id="{clip_id}"]')).to_be_focused()

    # Finalize: the batch becomes final and its clips read-only.
    await page.get_by_role("button", name="Finalize batch").click()
    await expect(page.locator(".title-line .status-final")).to_be_visible()
    await page.locator(f'.clip-card[data-clip-id="{clip_id}"]').click()
    await expect(page.locator("#clip-modal").get_by_label("Title")).to_be_disabled()
    await expect(page.locator("#finalize-note")).to_contain_text("final")
    async with httpx.AsyncClient(base_url=system.api_url) as http:
        assert (await http.get(f"/clip-batches/{batch_id}")).json()["status"] == "final"


async def _clip_count(system: RunningSystem, batch_id: str, *, wait: Page) -> int:
    """The batch's clip count once the page shows it ready (the grid is drawn after that)."""
    await expect(wait.locator(".status-ready")).to_be_visible(timeout=BATCH_TIMEOUT_MS)
    async with httpx.AsyncClient(base_url=system.api_url) as http:
        return int((await http.get(f"/clip-batches/{batch_id}/clips")).json()["count"])


def _clock(seconds: float) -> str:
    """`m:ss.s` as the page writes a time with tenths (`m:ss` when it has none)."""
    minutes, rest = divmod(round(seconds, 1), 60)
    return f"{int(minutes)}:{int(rest):02d}" if rest == int(rest) else f"{int(minutes)}:{rest:04.1f}"


async def _shows(page: Page, clip_ids: list[str]) -> bool:
    return await _attributes(page, ".clip-card", "data-clip-id") == clip_ids


async def test_the_grid_and_the_detail_work_from_the_keyboard(
    page: Page, site: str, ready_batch: dict[str, Any]
) -> None:
    await page.goto(f"{site}/app/#/batches/{ready_batch['batch_id']}")
    cards = page.locator(".clip-card")
    await expect(cards.first).to_be_visible()
    ids = await _attributes(page, ".clip-card", "data-clip-id")
    assert len(ids) >= 3

    for _ in range(30):  # the grid is reachable with Tab
        await page.keyboard.press("Tab")
        if await page.evaluate("() => document.activeElement.classList.contains('clip-card')"):
            break
    assert await page.evaluate("() => document.activeElement.dataset.clipId") == ids[0]
    assert await cards.first.evaluate("(el) => getComputedStyle(el).outlineStyle") != "none"  # visible focus
    await page.keyboard.press("ArrowRight")
    await expect(cards.nth(1)).to_be_focused()
    await page.keyboard.press("End")
    await expect(cards.last).to_be_focused()
    await page.keyboard.press("Home")
    await expect(cards.first).to_be_focused()

    await page.keyboard.press("Enter")
    dialog = page.locator("#clip-modal")
    await expect(dialog).to_be_visible()
    await expect(dialog.get_by_role("button", name="Close")).to_be_focused()
    for _ in range(40):  # focus is trapped in the modal
        await page.keyboard.press("Tab")
        assert await dialog.evaluate("(d) => d.contains(document.activeElement)")
    for _ in range(5):
        await page.keyboard.press("Shift+Tab")
        assert await dialog.evaluate("(d) => d.contains(document.activeElement)")
    await page.keyboard.press("Escape")
    await expect(dialog).to_have_count(0)
    await expect(cards.first).to_be_focused()  # focus returns to the clip that was opened


async def test_a_375_px_phone_shows_the_whole_flow_without_sideways_scrolling(
    page: Page, site: str, ready_batch: dict[str, Any]
) -> None:
    await page.set_viewport_size({"width": 375, "height": 812})
    await page.goto(f"{site}/app/")
    await expect(page.locator(".video-card").first).to_be_visible()
    assert await page.evaluate(OVERFLOW) <= 0
    await page.screenshot(path=_shot("videos-375.png"), full_page=True)
    await page.goto(f"{site}/app/#/videos/{ready_batch['video_id']}")
    await expect(page.locator("#get-clips")).to_be_visible()
    assert await page.evaluate(OVERFLOW) <= 0
    await page.goto(f"{site}/app/#/batches/{ready_batch['batch_id']}")
    cards = page.locator(".clip-card")
    await expect(cards.first).to_be_visible()
    assert await page.evaluate(OVERFLOW) <= 0
    box = await cards.first.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= 375
    await page.screenshot(path=_shot("grid-375.png"))

    await cards.first.click()
    dialog = page.locator("#clip-modal")
    await expect(dialog).to_be_visible()
    frame = await dialog.bounding_box()
    assert frame is not None
    assert frame["width"] <= 375
    close = await dialog.get_by_role("button", name="Close").bounding_box()
    assert close is not None
    assert close["x"] + close["width"] <= 375
    await page.screenshot(path=_shot("detail-375.png"))


async def test_a_failed_batch_shows_its_error_and_retry_finishes_it(
    page: Page, site: str, ready_batch: dict[str, Any], responses_double: ResponsesDouble
) -> None:
    responses_double.script(Script(default=Behaviour(kind="server_error", status_code=500)))
    await page.goto(f"{site}/app/#/videos/{ready_batch['video_id']}")
    await page.get_by_text("Under 30 s", exact=True).click()
    await page.get_by_role("button", name="Get Clips").click()
    await expect(page).to_have_url(re.compile(r"#/batches/b-[0-9a-f]+$"))

    await expect(page.get_by_role("heading", name="This batch failed")).to_be_visible(
        timeout=BATCH_TIMEOUT_MS
    )
    message = await page.locator("#batch-error").inner_text()
    assert message.strip(), message
    assert "without saying why" not in message
    responses_double.script(None)
    await page.get_by_role("button", name="Retry").click()

    await expect(page.locator(".status-ready")).to_be_visible(timeout=BATCH_TIMEOUT_MS)
    await expect(page.locator(".clip-card").first).to_be_visible()
    await expect(page.get_by_role("heading", name="This batch failed")).to_be_hidden()


async def test_a_time_that_is_not_mm_ss_and_the_api_s_422_show_next_to_their_fields(
    page: Page, site: str, ready_batch: dict[str, Any]
) -> None:
    await page.goto(f"{site}/app/#/videos/{ready_batch['video_id']}")
    await page.get_by_label("From (mm:ss)").fill("two minutes")
    await page.get_by_role("button", name="Get Clips").click()
    start_error = page.locator('[data-field="processing_timeframe_start"] .field-error')
    await expect(start_error).to_contain_text("mm:ss")
    await expect(page.get_by_label("From (mm:ss)")).to_have_attribute("aria-invalid", "true")

    await page.get_by_label("From (mm:ss)").fill("3:00")
    await page.get_by_label("To (mm:ss)").fill("2:00")  # the API refuses an end before the start
    await page.get_by_role("button", name="Get Clips").click()
    end_error = page.locator('[data-field="processing_timeframe_end"] .field-error')
    await expect(end_error).to_contain_text("must be after processing_timeframe_start")
    await expect(start_error).to_be_empty()
    await expect(page).to_have_url(re.compile(f"#/videos/{ready_batch['video_id']}$"))


async def test_the_page_reads_times_as_creators_type_them(page: Page, site: str) -> None:
    await page.goto(f"{site}/app/")
    parsed = await page.evaluate(
        """async (inputs) => {
            const { parseClock, formatClock } = await import('/app/js/time.js');
            return inputs.map((text) => {
                const value = parseClock(text);
                if (value === null) return 'empty';
                return Number.isNaN(value) ? 'bad' : [value, formatClock(value, {precise: true})];
            });
        }""",
        ["2:30", "02:30", "1:02:03", "75", "1:05.5", "", "2:75", "1:60:00", "two minutes", "1:2:3:4"],
    )

    assert parsed == [
        [150, "2:30"],
        [150, "2:30"],
        [3723, "1:02:03"],
        [75, "1:15"],
        [65.5, "1:05.5"],
        "empty",
        "bad",
        "bad",
        "bad",
        "bad",
    ]


async def test_a_video_already_under_the_media_root_registers_by_its_path(
    page: Page, site: str, system: RunningSystem, sample_media: Video
) -> None:
    media_file = system.media_root / sample_media.media_path
    await page.goto(f"{site}/app/")
    await page.get_by_text("On the server").click()
    await page.get_by_label("Title").fill("The podcast, by path")
    await page.get_by_label("Media path").fill("videos/not-there.mp4")
    transcript_file = media_file.with_name("hwhap-114.transcript.json")
    await page.get_by_label("Transcript file").set_input_files(transcript_file)
    await page.get_by_role("button", name="Register video").click()
    path_error = page.locator('[data-field="media_path"] .field-error')
    await expect(path_error).to_contain_text("no file at 'videos/not-there.mp4'")

    await page.get_by_label("Media path").fill(sample_media.media_path)
    await page.get_by_role("button", name="Register video").click()
    await expect(page).to_have_url(re.compile(r"#/videos/[^/]+$"))
    await expect(page.get_by_role("heading", level=1)).to_have_text("The podcast, by path")
    await expect(page.locator("#batch-list")).to_contain_text("No batches yet")
