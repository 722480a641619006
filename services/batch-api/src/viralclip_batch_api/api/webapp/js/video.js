// One video: Get Clips (the batch configuration form) and the video's batches with their status.

import { get, query } from "./api.js";
import { getClipsForm } from "./config-form.js";
import { h, replace } from "./dom.js";
import { formatDuration, formatWhen } from "./time.js";
import { progressBar, statusChip, toast } from "./ui.js";

const POLL_MS = 2000;

export async function mountVideo(main, { videoId }, signal) {
  const video = await get(`/videos/${encodeURIComponent(videoId)}`, { signal });
  const batches = h("div", { class: "batch-list", id: "batch-list" });
  const form = await getClipsForm(video, (batch) => {
    toast(`Getting clips: batch ${batch.batch_id}`);
    location.hash = `#/batches/${encodeURIComponent(batch.batch_id)}`;
  });

  replace(
    main,
    h(
      "div",
      { class: "page" },
      h("nav", { class: "crumbs", "aria-label": "Breadcrumb" }, h("a", { href: "#/" }, "‹ All videos")),
      h(
        "div",
        { class: "page-head" },
        h(
          "div",
          {},
          h("h1", {}, video.title),
          h(
            "p",
            { class: "muted" },
            `${formatDuration(video.duration_sec)} · ${video.language} · ${video.transcript.length} transcript lines · registered ${formatWhen(video.created_at)}`,
          ),
          video.summary ? h("p", { class: "summary" }, video.summary) : null,
        ),
      ),
      h(
        "div",
        { class: "two-columns" },
        h(
          "section",
          { class: "card column-main", "aria-labelledby": "get-clips-heading" },
          h("h2", { id: "get-clips-heading" }, "Get Clips"),
          form,
        ),
        h(
          "section",
          { class: "column-side", "aria-labelledby": "batches-heading" },
          h("h2", { id: "batches-heading" }, "Batches"),
          batches,
        ),
      ),
    ),
  );

  async function refresh() {
    const page = await get(`/videos/${encodeURIComponent(videoId)}/clip-batches${query({ limit: 50 })}`, {
      signal,
    });
    if (!page.data.length) {
      replace(
        batches,
        h(
          "div",
          { class: "empty-state small" },
          h("p", {}, "No batches yet. Choose a configuration and press Get Clips."),
        ),
      );
    } else {
      replace(batches, page.data.map(batchRow));
    }
    return page.data.some((batch) => batch.status === "draft");
  }

  (async () => {
    while (!signal.aborted && (await refresh())) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  })().catch(() => {});
  return {};
}

function batchRow(batch) {
  const bar = progressBar(`Progress of ${batch.name}`);
  bar.set(batch.progress, `${Math.round(batch.progress * 100)}%, ${batch.stage}`);
  const clips = batch.clips_total == null ? "" : ` · ${batch.clips_total} clips`;
  return h(
    "a",
    {
      class: "batch-row",
      href: `#/batches/${encodeURIComponent(batch.batch_id)}`,
      dataset: { batchId: batch.batch_id },
    },
    h(
      "span",
      { class: "batch-row-head" },
      h("span", { class: "batch-name" }, batch.name),
      statusChip(batch.status),
    ),
    h(
      "span",
      { class: "batch-meta" },
      `${batch.config.aspect_ratio} · ${batch.config.clip_length_preset} · ${batch.config.video_type}${clips} · ${formatWhen(batch.created_at)}`,
    ),
    batch.status === "draft" ? bar : null,
    batch.status === "failed" && batch.error_message
      ? h("span", { class: "batch-error" }, batch.error_message)
      : null,
  );
}
