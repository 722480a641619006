// A batch: its progress from the server-sent events (stage, bar, the error and Retry when it fails),
// then the clip grid (sort by score or timeline, minimum score, keyboard navigation) and Segment Detail.

import { ApiError, get, post, progressEvents, query, loadableUrl } from "./api.js";
import { openClipModal } from "./clip-modal.js";
import { h, replace } from "./dom.js";
import { formatClock, formatDuration } from "./time.js";
import { gradeChips, progressBar, scoreBadge, statusChip, toast } from "./ui.js";

const STAGES = ["queued", "windowing", "scoring", "thumbnails", "done"];
const STAGE_TEXT = {
  queued: "Queued: waiting for the windowing service",
  windowing: "Cutting the video into candidate windows",
  scoring: "Scoring the windows for virality",
  thumbnails: "Taking a thumbnail of every clip",
  done: "Done",
};
const PAGE = 100;

export async function mountBatch(main, params, signal) {
  let batch = await get(`/clip-batches/${encodeURIComponent(params.batchId)}`, { signal });
  const video = await get(`/videos/${encodeURIComponent(batch.video_id)}`, { signal }).catch(() => null);
  const state = { sort: "score", minScore: 0, clips: [], count: 0, modal: null, clipId: null };

  const heading = h("h1", { tabindex: "-1" }, batch.name);
  const status = h("span", { class: "status-slot" });
  const finalize = h(
    "button",
    { type: "button", class: "button ghost", id: "finalize", hidden: true },
    "Finalize batch",
  );
  const progressPanel = h("section", {
    class: "card progress-panel",
    id: "progress",
    "aria-labelledby": "progress-heading",
    "aria-live": "polite",
  });
  const results = h("section", { class: "results", id: "results", "aria-labelledby": "results-heading" });

  replace(
    main,
    h(
      "div",
      { class: "page" },
      h(
        "nav",
        { class: "crumbs", "aria-label": "Breadcrumb" },
        h("a", { href: "#/" }, "Videos"),
        h("span", { "aria-hidden": "true" }, " / "),
        h(
          "a",
          { href: `#/videos/${encodeURIComponent(batch.video_id)}` },
          video ? video.title : batch.video_id,
        ),
      ),
      h(
        "div",
        { class: "page-head" },
        h(
          "div",
          {},
          h("div", { class: "title-line" }, heading, status),
          h("p", { class: "muted config-line" }, configLine(batch)),
        ),
        h("div", { class: "row" }, finalize),
      ),
      progressPanel,
      results,
    ),
  );

  const bar = progressBar("Batch progress");
  const stageText = h("p", { class: "stage-text" });
  const steps = h(
    "ol",
    { class: "stepper" },
    STAGES.map((stage) => h("li", { dataset: { stage } }, stage)),
  );

  function showBatch(next) {
    batch = next;
    replace(status, statusChip(batch.status));
    finalize.hidden = batch.status !== "ready";
    if (batch.status === "failed") {
      replace(
        progressPanel,
        h("h2", { id: "progress-heading" }, "This batch failed"),
        h(
          "p",
          { class: "error-message", id: "batch-error" },
          batch.error_message || "The pipeline gave up without saying why.",
        ),
        h(
          "div",
          { class: "row" },
          h("button", { type: "button", class: "button primary", id: "retry", onclick: retry }, "Retry"),
          h("span", { class: "muted" }, "Runs the whole pipeline again as a new job."),
        ),
      );
      progressPanel.classList.add("failed");
      progressPanel.hidden = false;
      results.hidden = true;
      return;
    }
    progressPanel.classList.remove("failed");
    if (batch.status === "draft") {
      const index = STAGES.indexOf(batch.stage);
      for (const item of steps.children) {
        const at = STAGES.indexOf(item.dataset.stage);
        item.className = at < index ? "step-done" : at === index ? "step-current" : "";
        if (at === index) item.setAttribute("aria-current", "step");
        else item.removeAttribute("aria-current");
      }
      bar.set(batch.progress, `${Math.round(batch.progress * 100)}%, ${batch.stage}`);
      stageText.textContent = `${STAGE_TEXT[batch.stage] || batch.stage} · ${Math.round(batch.progress * 100)}%`;
      if (!progressPanel.contains(bar))
        replace(progressPanel, h("h2", { id: "progress-heading" }, "Getting clips…"), steps, bar, stageText);
      progressPanel.hidden = false;
      results.hidden = true;
      return;
    }
    bar.set(1, "100%, done");
    progressPanel.hidden = true;
    results.hidden = false;
  }

  async function follow() {
    while (!signal.aborted && batch.status === "draft") {
      try {
        for await (const update of progressEvents(batch.batch_id, signal)) {
          showBatch({ ...batch, ...update });
        }
      } catch (error) {
        if (signal.aborted) return;
        if (error instanceof ApiError && error.status === 401) return;
        await pause(2000); // the stream broke (a proxy, a restart): read the batch and listen again
      }
      batch = await get(`/clip-batches/${encodeURIComponent(batch.batch_id)}`, { signal });
      showBatch(batch);
    }
    if (!signal.aborted && batch.status !== "failed") await loadClips();
  }

  async function retry(event) {
    event.currentTarget.disabled = true;
    try {
      showBatch(await post(`/clip-batches/${encodeURIComponent(batch.batch_id)}/retry`));
      toast("Retrying the batch");
      follow();
    } catch (error) {
      toast(error.message);
      event.currentTarget.disabled = false;
    }
  }

  finalize.addEventListener("click", async () => {
    try {
      showBatch(await post(`/clip-batches/${encodeURIComponent(batch.batch_id)}/finalize`));
      toast("Batch finalized: its clips are locked");
      renderGrid();
    } catch (error) {
      toast(error.message);
    }
  });

  // --- the grid -----------------------------------------------------------------------------------

  const sortScore = h("input", {
    type: "radio",
    name: "sort",
    id: "sort-score",
    value: "score",
    checked: true,
  });
  const sortTime = h("input", { type: "radio", name: "sort", id: "sort-time", value: "time" });
  const minScore = h("input", {
    type: "range",
    id: "min-score",
    min: "0",
    max: "10",
    step: "0.5",
    value: "0",
  });
  const minScoreValue = h("output", { for: "min-score", id: "min-score-value" }, "0");
  const countText = h("p", { class: "muted", id: "clip-count", "aria-live": "polite" });
  const grid = h("ul", { class: "clip-grid", id: "clip-grid", "aria-label": "Clips" });
  const more = h("button", { type: "button", class: "button ghost", hidden: true }, "Show more clips");
  grid.dataset.ratio = batch.config.aspect_ratio;
  const [rw, rh] = batch.config.aspect_ratio.split(":");
  grid.style.setProperty("--thumb-ratio", `${rw} / ${rh}`);

  replace(
    results,
    h(
      "div",
      { class: "toolbar" },
      h("h2", { id: "results-heading" }, "Clips"),
      h(
        "fieldset",
        { class: "segmented" },
        h("legend", { class: "visually-hidden" }, "Sort clips by"),
        h("span", {}, sortScore, h("label", { for: "sort-score" }, "Top score")),
        h("span", {}, sortTime, h("label", { for: "sort-time" }, "Timeline")),
      ),
      h(
        "div",
        { class: "range-field" },
        h("label", { for: "min-score" }, "Min score"),
        minScore,
        minScoreValue,
      ),
      countText,
    ),
    grid,
    more,
  );
  results.hidden = true;

  for (const radio of [sortScore, sortTime]) {
    radio.addEventListener("change", () => {
      state.sort = radio.value;
      loadClips();
    });
  }
  let filterTimer = null;
  minScore.addEventListener("input", () => {
    minScoreValue.textContent = minScore.value;
    clearTimeout(filterTimer);
    filterTimer = setTimeout(() => {
      state.minScore = Number(minScore.value);
      loadClips();
    }, 150);
  });
  more.addEventListener("click", () => loadClips({ append: true }));

  let loading = 0;
  async function loadClips({ append = false } = {}) {
    const ticket = ++loading;
    const skip = append ? state.clips.length : 0;
    const page = await get(
      `/clip-batches/${encodeURIComponent(batch.batch_id)}/clips${query({ sort: state.sort, min_score: state.minScore || null, skip, limit: PAGE })}`,
      { signal },
    );
    if (ticket !== loading) return; // a newer sort or filter was asked for meanwhile
    state.clips = append ? [...state.clips, ...page.data] : page.data;
    state.count = page.count;
    renderGrid();
  }

  function renderGrid() {
    const focusedId = document.activeElement?.dataset?.clipId;
    more.hidden = state.clips.length >= state.count;
    countText.textContent = state.minScore
      ? `${state.count} ${state.count === 1 ? "clip" : "clips"} scoring ${state.minScore} or more`
      : `${state.count} ${state.count === 1 ? "clip" : "clips"}`;
    if (!state.clips.length) {
      replace(grid, h("li", { class: "empty-state", id: "grid-empty" }, ...emptyState()));
      return;
    }
    replace(
      grid,
      state.clips.map((clip, index) => h("li", {}, clipCard(clip, index))),
    );
    grid.querySelector(`[data-clip-id="${CSS.escape(focusedId || "")}"]`)?.focus();
  }

  function emptyState() {
    if (state.minScore) {
      return [
        h("h3", {}, `No clips score ${state.minScore} or more`),
        h("p", {}, "Lower the minimum score to see more of this batch's clips."),
        h(
          "button",
          {
            type: "button",
            class: "button",
            onclick: () => {
              minScore.value = "0";
              minScore.dispatchEvent(new Event("input"));
            },
          },
          "Show all clips",
        ),
      ];
    }
    return [
      h("h3", {}, "This batch found no clips"),
      h(
        "p",
        {},
        "Nothing in the chosen timeframe made a clip of the chosen length. Try a wider timeframe or another clip length.",
      ),
      h("a", { class: "button", href: `#/videos/${encodeURIComponent(batch.video_id)}` }, "Get Clips again"),
    ];
  }

  function clipCard(clip, index) {
    const image = h("img", { alt: "", decoding: "async", loading: index < 12 ? "eager" : "lazy" });
    const thumb = h(
      "span",
      { class: "thumb" },
      scoreBadge(clip.viral_score),
      h("span", { class: "duration-badge" }, formatClock(clip.duration_sec)),
    );
    if (clip.thumbnail_url) {
      thumb.prepend(image);
      loadableUrl(clip.thumbnail_url).then(
        (url) => {
          image.src = url;
        },
        () => thumb.classList.add("thumb-missing"),
      );
    } else {
      thumb.classList.add("thumb-missing");
      thumb.prepend(h("span", { class: "thumb-note", title: clip.thumbnail_error || "" }, "No thumbnail"));
    }
    const grades = ["hook", "flow", "value", "trend"].map((k) => `${k} ${clip[`grade_${k}`]}`).join(", ");
    return h(
      "button",
      {
        type: "button",
        class: "clip-card",
        dataset: {
          clipId: clip.clip_id,
          start: String(clip.start_time_sec),
          score: String(clip.viral_score),
        },
        "aria-label": `${clip.title}. Score ${clip.viral_score.toFixed(1)}, ${formatDuration(clip.duration_sec)} from ${formatClock(clip.start_time_sec)}. Grades: ${grades}.${clip.status === "edited" ? " Edited." : ""}`,
        onclick: () => {
          location.hash = `#/batches/${encodeURIComponent(batch.batch_id)}/clips/${encodeURIComponent(clip.clip_id)}`;
        },
      },
      thumb,
      h(
        "span",
        { class: "clip-body" },
        h("span", { class: "clip-title" }, clip.title),
        h(
          "span",
          { class: "clip-time" },
          `${formatClock(clip.start_time_sec)} – ${formatClock(clip.end_time_sec)}`,
          clip.status !== "candidate" ? h("span", { class: "clip-status" }, clip.status) : null,
        ),
        gradeChips(clip),
      ),
    );
  }

  grid.addEventListener("keydown", (event) => {
    const cards = [...grid.querySelectorAll(".clip-card")];
    const at = cards.indexOf(document.activeElement);
    if (at < 0) return;
    const columns = getComputedStyle(grid).gridTemplateColumns.split(" ").filter(Boolean).length || 1;
    const moves = {
      ArrowRight: 1,
      ArrowLeft: -1,
      ArrowDown: columns,
      ArrowUp: -columns,
      Home: -at,
      End: cards.length - 1 - at,
    };
    if (!(event.key in moves)) return;
    event.preventDefault();
    const next = Math.max(0, Math.min(cards.length - 1, at + moves[event.key]));
    cards[next].focus();
  });

  // --- Segment Detail -----------------------------------------------------------------------------

  async function showClip(clipId) {
    if (state.modal && state.clipId === clipId) return;
    state.modal?.close();
    state.clipId = clipId;
    if (!clipId) return;
    state.modal = await openClipModal({
      clipId,
      batch: () => batch,
      video,
      onBatch: (next) => showBatch(next),
      onClipChanged: (clip) => {
        state.clips = state.clips.map((c) => (c.clip_id === clip.clip_id ? { ...c, ...clip } : c));
        renderGrid();
      },
      onClosed: () => {
        state.modal = null;
        state.clipId = null;
        if (signal.aborted) return; // closed because the page moved on
        const card = grid.querySelector(`[data-clip-id="${CSS.escape(clipId)}"]`);
        if (location.hash.includes("/clips/"))
          history.replaceState(null, "", `#/batches/${encodeURIComponent(batch.batch_id)}`);
        (card || heading).focus();
      },
    });
  }

  signal.addEventListener("abort", () => state.modal?.close());
  showBatch(batch);
  await (batch.status === "draft" ? Promise.resolve() : loadClips());
  if (batch.status === "draft") follow();
  if (params.clipId) showClip(params.clipId);
  return { update: (next) => showClip(next.clipId) };
}

function configLine(batch) {
  const c = batch.config;
  const frame = c.processing_timeframe;
  const range =
    frame.end_sec == null && !frame.start_sec
      ? "whole video"
      : `${formatClock(frame.start_sec)} – ${frame.end_sec == null ? "end" : formatClock(frame.end_sec)}`;
  return `${c.aspect_ratio} · ${c.clip_length_preset} · ${c.video_type.replaceAll("_", " ")} · ${range}${c.subtitle_enabled ? " · subtitles" : ""}`;
}

function pause(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
