"""Would one decode for the face pass and the render bring `face` within 1.15 of bare? A measurement.

    .venv/bin/python tests/bench/bench_shared_decode.py [--seconds 60] [--rounds 3]

Today's `face` render decodes the clip twice: once, sampled, to find faces (the whole path is known
before the render starts), once to render. This script measures the alternative on the benchmark
source of `bench_render.py`, in rounds, each ratio within its round:

- *bare*: the bench's bare render (one ffmpeg, centre crop and scale, same encoder, no captions);
- *face's crop, panning* and *face's crop, cutting*: the bare render with `face`'s crop (its path found
  once, beforehand) instead of the centre one, as `face` moves it and as a camera that holds still and
  cuts: what the encoder alone costs for a crop that keeps a moving subject in view;
- *face, two decodes*: the service's own `render_export` in `face` mode with captions (what ships);
- *face, one decode*: one ffmpeg decodes the clip to raw yuv420p frames on a pipe; Python finds faces on
  every 10th frame's luma (the service's own detector, in a thread, a second of frames buffered ahead
  so its answer is ready when the frames it moves are written), crops each frame where the camera is
  (the service's own camera, run as the samples arrive) and writes it to a second ffmpeg that scales,
  burns the same captions and encodes with the same settings (audio from the source).

The one-decode route is a prototype for the measurement: no progress, no timeout, constant frame rate
only. It prints wall seconds, CPU seconds of the children and Python, and the ratios.
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import fcntl
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import deque
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

import bench_render  # the bench's source, clip and settings

from viralclip_contracts import AspectRatio, ReframeMode, RenderResolution
from viralclip_media import SubprocessFfmpegRunner, probe_media
from viralclip_render import faces
from viralclip_render.captions import caption_document, caption_layout, caption_lines
from viralclip_render.facetrack import DEAD_ZONE, DeadZoneCamera, crop_path
from viralclip_render.fonts import fonts_dir
from viralclip_render.plan import (
    AUDIO_RATE,
    FRAMED,
    EncoderSettings,
    RenderPlan,
    filter_value,
    render_args,
)
from viralclip_render.reframe import CropKey, CropPath, crop_fraction, face_graph
from viralclip_render.sizes import FrameSize, output_size
from viralclip_testkit.media import ffmpeg_executable

SAMPLE_EVERY = 10
"""Frames between face searches: 3 a second at 30 fps, as the face pass samples."""
PIPE_BYTES = 1 << 20
"""Pipes of 1 MiB (Linux's default ceiling) rather than 64 KiB: a 1080p frame is 3 MiB."""
LOOKAHEAD_SAMPLES = 3
"""Samples the camera waits for before it places a frame: the running median's half window (2) + 1."""


class Camera:
    """The service's camera (`facetrack`), one sample at a time: a running median of 5 over the samples
    in, then its `DeadZoneCamera`. Before the first face it holds the centre; the gaps hold the camera."""

    def __init__(self, crop: float) -> None:
        self.crop = crop
        self.low, self.high = crop / 2, 1 - crop / 2
        self.faces: list[float | None] = []
        self.axis: DeadZoneCamera | None = None

    def add(self, face: float | None) -> None:
        self.faces.append(face)

    def place(self, index: int, step_sec: float) -> float:
        """The camera's position at sample `index` (needs samples up to index + 2)."""
        window = [f for f in self.faces[max(0, index - 2) : index + 3] if f is not None]
        if self.axis is None:
            start = min(self.high, max(self.low, statistics.median(window))) if window else 0.5
            self.axis = DeadZoneCamera(self.crop, start)
            return start
        if not window:
            return self.axis.follow(self.axis.position, step_sec)
        return self.axis.follow(min(self.high, max(self.low, statistics.median(window))), step_sec)


def one_decode_face(source: Path, seconds: float, output: Path, scratch: Path) -> dict[str, float]:
    """The one-decode `face` render of the bench's clip with captions; its wall and CPU seconds."""
    size = output_size(AspectRatio.PORTRAIT, RenderResolution.HD_1080)
    width, height, fps = 1920, 1080, 30
    crop_w_frac, _ = crop_fraction(FrameSize(width, height), AspectRatio.PORTRAIT)
    crop_w = 2 * int(width * crop_w_frac / 2)
    lines = caption_lines(
        bench_render.estimated_words(seconds),
        max_chars=caption_layout(size, AspectRatio.PORTRAIT).max_chars,
    )
    subtitles = scratch / "captions.ass"
    caption_document(lines, size, AspectRatio.PORTRAIT).save(str(subtitles), encoding="utf-8")
    encoder = EncoderSettings()
    start = f"{bench_render.CLIP_START:.3f}"
    ffmpeg = ffmpeg_executable()
    decode = [
        *(ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin"),
        *("-ss", start, "-t", f"{seconds:.3f}", "-i", str(source)),
        *("-an", "-sn", "-dn", "-map", "0:v:0", "-f", "rawvideo", "-pix_fmt", "yuv420p", "pipe:1"),
    ]
    graph = (
        f"[0:v]scale={size.width}:{size.height},setsar=1,"
        f"ass=filename={filter_value(str(subtitles))}:fontsdir={filter_value(str(fonts_dir()))}"
        ":shaping=complex[v]"
    )
    encode = [
        *(ffmpeg, "-hide_banner", "-loglevel", "error", "-y"),
        *("-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", f"{crop_w}x{height}", "-r", str(fps)),
        *("-i", "pipe:0", "-ss", start, "-t", f"{seconds:.3f}", "-i", str(source)),
        *("-filter_complex", graph, "-map", "[v]", "-map", "1:a:0", "-t", f"{seconds:.3f}"),
        *("-c:v", "libx264", "-preset", encoder.preset, "-crf", str(encoder.crf)),
        *("-profile:v", "high", "-pix_fmt", "yuv420p"),
        *("-c:a", "aac", "-b:a", encoder.audio_bitrate, "-ar", str(AUDIO_RATE), "-ac", "2"),
        *("-movflags", "+faststart", "-f", "mp4", str(output)),
    ]
    frame_bytes = width * height * 3 // 2
    luma, chroma = width * height, width * height // 4
    analysis = (faces.ANALYSIS_WIDTH, round(faces.ANALYSIS_WIDTH * height / width))
    finder = faces.FaceFinder()
    detector = concurrent.futures.ThreadPoolExecutor(max_workers=1)  # one thread: the finder is sequential

    def detect(frame: np.ndarray[Any, np.dtype[np.uint8]]) -> float | None:
        centre = finder.centre(cv2.resize(frame, analysis, interpolation=cv2.INTER_LINEAR))
        return None if centre is None else centre[0]

    camera = Camera(crop_w_frac)
    before_self = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    decoder = subprocess.Popen(decode, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, bufsize=0)
    encoder_process = subprocess.Popen(encode, stdin=subprocess.PIPE, bufsize=0)
    assert decoder.stdout is not None
    assert encoder_process.stdin is not None
    for pipe in (decoder.stdout, encoder_process.stdin):
        fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    pending: deque[tuple[int, np.ndarray[Any, np.dtype[np.uint8]]]] = deque()
    detections: list[concurrent.futures.Future[float | None]] = []
    positions: list[float] = []
    out = np.empty(crop_w * height * 3 // 2, dtype=np.uint8)
    out_y = out[: crop_w * height].reshape(height, crop_w)
    out_u = out[crop_w * height : crop_w * height * 5 // 4].reshape(height // 2, crop_w // 2)
    out_v = out[crop_w * height * 5 // 4 :].reshape(height // 2, crop_w // 2)

    def write(index: int, frame: np.ndarray[Any, np.dtype[np.uint8]], x_frac: float) -> None:
        x = int(width * x_frac - crop_w / 2)
        x = max(0, min(width - crop_w, x)) & ~1
        y_plane = frame[:luma].reshape(height, width)
        u_plane = frame[luma : luma + chroma].reshape(height // 2, width // 2)
        v_plane = frame[luma + chroma :].reshape(height // 2, width // 2)
        np.copyto(out_y, y_plane[:, x : x + crop_w])
        np.copyto(out_u, u_plane[:, x // 2 : x // 2 + crop_w // 2])
        np.copyto(out_v, v_plane[:, x // 2 : x // 2 + crop_w // 2])
        encoder_process.stdin.write(memoryview(out))  # type: ignore[union-attr]

    def position_at(index: int) -> float:
        sample, share = divmod(index, SAMPLE_EVERY)
        if sample + 1 >= len(positions):
            return positions[-1]
        a, b = positions[sample], positions[sample + 1]
        return a + (b - a) * share / SAMPLE_EVERY

    def settle(final: bool) -> None:
        """Place camera positions for which enough samples are in, then write the frames they place."""
        while len(positions) < len(detections) and (
            final or len(positions) + LOOKAHEAD_SAMPLES <= len(detections)
        ):
            for future in detections[len(camera.faces) : len(positions) + LOOKAHEAD_SAMPLES]:
                camera.add(future.result())
            positions.append(camera.place(len(positions), SAMPLE_EVERY / fps))
        while pending and (final or pending[0][0] // SAMPLE_EVERY + 1 < len(positions)):
            index, frame = pending.popleft()
            write(index, frame, position_at(index))
            if index % SAMPLE_EVERY:  # a sampled frame may still be with the detector
                free.append(frame)

    free = [np.empty(frame_bytes, dtype=np.uint8) for _ in range((LOOKAHEAD_SAMPLES + 2) * SAMPLE_EVERY)]
    index = 0
    while True:
        frame = free.pop() if free else np.empty(frame_bytes, dtype=np.uint8)
        if not read_exactly(decoder.stdout, memoryview(frame)):
            break
        if index % SAMPLE_EVERY == 0:
            luma_plane = frame[:luma].reshape(height, width)
            detections.append(detector.submit(detect, luma_plane))
        pending.append((index, frame))
        index += 1
        if index % SAMPLE_EVERY == 0:
            settle(final=False)
    settle(final=True)
    encoder_process.stdin.close()
    decoder_cpu = child_cpu(decoder)
    encoder_cpu = child_cpu(encoder_process)
    detector.shutdown()
    wall = time.perf_counter() - started
    after_self = resource.getrusage(resource.RUSAGE_SELF)
    assert decoder.returncode == 0, "the decoder failed"
    assert encoder_process.returncode == 0, "the encoder failed"
    python = (after_self.ru_utime + after_self.ru_stime) - (before_self.ru_utime + before_self.ru_stime)
    print(f"  one decode: decoder {decoder_cpu:.1f} CPU-s, encoder {encoder_cpu:.1f}, Python {python:.1f}")
    return {"wall": wall, "cpu": decoder_cpu + encoder_cpu + python, "frames": float(index)}


def child_cpu(process: subprocess.Popen[bytes]) -> float:
    """Wait for `process`; its CPU seconds."""
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_utime + usage.ru_stime


def read_exactly(stream: Any, buffer: memoryview) -> bool:
    """Fill `buffer` from `stream`; False at the end of the stream."""
    filled = 0
    while filled < len(buffer):
        count = stream.readinto(buffer[filled:])
        if not count:
            return False
        filled += count
    return True


async def face_crop_plans(
    runner: SubprocessFfmpegRunner, source: Path, seconds: float, scratch: Path
) -> tuple[RenderPlan, RenderPlan]:
    """The bare render with `face`'s crop instead of the centre one (its path found once, beforehand):
    as `face` moves it, and cutting instead of panning — what the encoder alone costs for a crop that
    keeps a moving subject in view."""
    size = output_size(AspectRatio.PORTRAIT, RenderResolution.HD_1080)
    source_size = FrameSize(1920, 1080)
    samples = await faces.scan_faces(
        runner, source, source_size, bench_render.CLIP_START, seconds, timeout_sec=120
    )
    crop = crop_fraction(source_size, AspectRatio.PORTRAIT)
    path = crop_path(samples, crop)
    assert path is not None, "the bench source always shows the face"
    plans = []
    for name, moves in (("panning", path), ("cutting", cutting(path, crop[0], seconds))):
        graph = face_graph(AspectRatio.PORTRAIT, size, moves, FRAMED)
        plans.append(RenderPlan(source, bench_render.CLIP_START, seconds, graph, scratch / f"{name}.mp4"))
    return plans[0], plans[1]


CUT_AFTER = DEAD_ZONE
"""The cutting camera holds still until the panning one is this far (crop widths) away, then jumps to it."""


def cutting(path: CropPath, crop_width: float, seconds: float, fps: int = 30) -> CropPath:
    """`path` as a camera that holds and cuts: still between jumps of one frame."""
    held = path.keys[0].x
    keys = [CropKey(0.0, held, path.keys[0].y)]
    for frame in range(1, int(seconds * fps)):
        t = frame / fps
        x = float(np.interp(t, [key.t for key in path.keys], [key.x for key in path.keys]))
        if abs(x - held) > CUT_AFTER * crop_width:
            keys += [CropKey(t - 1 / fps, held, keys[-1].y), CropKey(t, x, keys[-1].y)]
            held = x
    return CropPath(tuple(keys))


def cpu_of(call: Any) -> tuple[float, float]:
    """Wall and CPU seconds (children and this process) of `call()`."""
    before_children = resource.getrusage(resource.RUSAGE_CHILDREN)
    before_self = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    call()
    wall = time.perf_counter() - started
    after_children = resource.getrusage(resource.RUSAGE_CHILDREN)
    after_self = resource.getrusage(resource.RUSAGE_SELF)
    cpu = sum(
        (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        for before, after in ((before_children, after_children), (before_self, after_self))
    )
    return wall, cpu


def bench(seconds: float, rounds: int, cache_dir: Path) -> None:
    source = bench_render.source_video(cache_dir)
    runner = SubprocessFfmpegRunner(ffmpeg_executable())
    face = bench_render.settings(ReframeMode.FACE, RenderResolution.HD_1080)
    rows: dict[str, list[tuple[float, float]]] = {
        "bare": [],
        "face's crop, panning": [],
        "face's crop, cutting": [],
        "face, two decodes": [],
        "face, one decode": [],
    }
    with tempfile.TemporaryDirectory(prefix="viralclip-bench-shared-") as name:
        scratch = Path(name)
        panning, cuts = asyncio.run(face_crop_plans(runner, source, seconds, scratch))
        for _ in range(rounds):
            rows["bare"].append(
                cpu_of(
                    lambda: asyncio.run(
                        bench_render.timed_bare(runner, source, seconds, RenderResolution.HD_1080, scratch)
                    )
                )
            )
            for name, plan in (("face's crop, panning", panning), ("face's crop, cutting", cuts)):
                rows[name].append(
                    cpu_of(
                        lambda plan=plan: subprocess.run(
                            [ffmpeg_executable(), *render_args(plan)], check=True
                        )
                    )
                )
            rows["face, two decodes"].append(
                cpu_of(lambda: asyncio.run(bench_render.timed_render(runner, source, seconds, face, scratch)))
            )
            rows["face, one decode"].append(
                cpu_of(lambda: one_decode_face(source, seconds, scratch / "one-decode.mp4", scratch))
            )
            info = asyncio.run(probe_media(runner, scratch / "one-decode.mp4", timeout_sec=60))
            assert (info.width, info.height) == (1080, 1920), info
            assert abs(info.duration_sec - seconds) < 0.1, info
    print(f"{rounds} rounds, {seconds:g}-s clip, 1080x1920, captions on the face renders")
    print(f"{'route':<22} {'wall s':>7} {'CPU s':>7} {'/ bare':>7}  rounds")
    for route, measured in rows.items():
        ratios = [wall / bare[0] for (wall, _), bare in zip(measured, rows["bare"], strict=True)]
        walls = [wall for wall, _ in measured]
        cpus = [cpu for _, cpu in measured]
        spread = " ".join(f"{ratio:.2f}" for ratio in ratios)
        print(
            f"{route:<22} {statistics.median(walls):7.2f} {statistics.median(cpus):7.1f} "
            f"{statistics.median(ratios):7.2f}  {spread}"
        )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cache-dir", type=Path, default=Path(tempfile.gettempdir()) / "viralclip-bench")
    options = parser.parse_args(argv)
    bench(options.seconds, options.rounds, options.cache_dir)


if __name__ == "__main__":
    main()
