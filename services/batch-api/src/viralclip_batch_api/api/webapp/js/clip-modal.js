// Segment Detail: a modal dialog with a player of just the clip's range (the source video, served with
// byte ranges, played as `#t=start,end`; or the rendered export), the transcript with the hook marked,
// reason, hashtags and grades; edits of title, description and range; finalize; export.

import { get, patch, post } from "./api.js";
import { h, replace } from "./dom.js";
import { exportPanel } from "./exports.js";
import { clearErrors, field, formError, showErrors, showFieldError } from "./forms.js";
import { formatClock, formatDuration, parseClock } from "./time.js";
import { GRADE_NAMES, gradeChip, scoreBadge, toast } from "./ui.js";

const FOCUSABLE =
  "a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), video[controls], [tabindex]:not([tabindex='-1'])";

/** Open the modal for `clipId`; returns `{close()}`. `onClosed` runs once it is closed. */
export async function openClipModal({ clipId, batch, video, onBatch, onClipChanged, onClosed }) {
  let clip = await get(`/clips/${encodeURIComponent(clipId)}`);
  const opener = document.activeElement;
  const titleId = "clip-modal-title";

  const player = h("video", {
    controls: true,
    preload: "metadata",
    playsInline: true,
    id: "clip-player",
    "aria-label": "Clip preview",
  });
  const playerNote = h("p", { class: "muted player-note", id: "player-note" });
  const replay = h("button", { type: "button", class: "button ghost small" }, "▶ Play the clip");
  const heading = h("h2", { id: titleId, tabindex: "-1" });
  const score = h("span", { class: "modal-score" });
  const timeLine = h("p", { class: "muted" });
  const gradesBox = h("div", { class: "grade-grid" });
  const reason = h("p", { class: "reason" });
  const hashtags = h("ul", { class: "hashtags", "aria-label": "Hashtags" });
  const transcript = h("div", { class: "transcript", id: "clip-transcript" });
  const closeButton = h("button", { type: "button", class: "icon-button close", "aria-label": "Close" }, "×");

  const titleInput = h("input", { type: "text", maxLength: 200, required: true });
  const descriptionInput = h("textarea", { rows: 3, maxLength: 2000 });
  const startInput = h("input", { type: "text", inputMode: "decimal", size: 9, autocomplete: "off" });
  const endInput = h("input", { type: "text", inputMode: "decimal", size: 9, autocomplete: "off" });
  const save = h("button", { type: "submit", class: "button primary", id: "save-clip" }, "Save changes");
  const saved = h("p", { class: "saved-note", id: "saved-note", role: "status" });
  const setStart = h(
    "button",
    { type: "button", class: "button ghost small", title: "Start the clip at the player's position" },
    "Set to player",
  );
  const setEnd = h(
    "button",
    { type: "button", class: "button ghost small", title: "End the clip at the player's position" },
    "Set to player",
  );
  const form = h(
    "form",
    { class: "form edit-form", id: "edit-form", novalidate: true },
    field("Title", "title", titleInput, { wide: true }),
    field("Description", "description", descriptionInput, { wide: true }),
    h(
      "div",
      { class: "field-row trim-row" },
      h("div", { class: "trim" }, field("Start (mm:ss.s)", "start_time_sec", startInput), setStart),
      h("div", { class: "trim" }, field("End (mm:ss.s)", "end_time_sec", endInput), setEnd),
    ),
    formError(),
    h("div", { class: "row" }, save, saved),
  );
  const finalizeButton = h(
    "button",
    { type: "button", class: "button ghost", id: "modal-finalize" },
    "Finalize batch",
  );
  const exports = await exportPanel({
    clip: () => clip,
    batch,
    player,
    onPlayExport: (url) => playSource(url, true),
  });

  const dialog = h(
    "dialog",
    { class: "modal", "aria-labelledby": titleId, id: "clip-modal" },
    h(
      "header",
      { class: "modal-head" },
      score,
      h("div", { class: "modal-title" }, heading, timeLine),
      closeButton,
    ),
    h(
      "div",
      { class: "modal-body" },
      h(
        "div",
        { class: "modal-media" },
        h("div", { class: "player-frame" }, player),
        h("div", { class: "row player-row" }, replay, playerNote),
        transcriptSection(transcript),
      ),
      h(
        "div",
        { class: "modal-info" },
        h("section", { "aria-label": "Grades" }, gradesBox),
        h(
          "section",
          { "aria-labelledby": "why-heading" },
          h("h3", { id: "why-heading" }, "Why it works"),
          reason,
          hashtags,
        ),
        h(
          "section",
          { "aria-labelledby": "edit-heading", class: "edit-section" },
          h("h3", { id: "edit-heading" }, "Edit"),
          form,
        ),
        exports,
        h(
          "section",
          { class: "finalize-section", "aria-label": "Batch" },
          finalizeButton,
          h("p", { class: "muted", id: "finalize-note" }),
        ),
      ),
    ),
  );

  // --- content ------------------------------------------------------------------------------------

  function render() {
    replace(score, scoreBadge(clip.viral_score, { large: true }));
    heading.textContent = clip.title;
    timeLine.textContent = `${formatClock(clip.start_time_sec, { precise: true })} – ${formatClock(clip.end_time_sec, { precise: true })} · ${formatDuration(clip.duration_sec)} · ${clip.status}`;
    replace(
      gradesBox,
      Object.keys(GRADE_NAMES).map((kind) => gradeChip(kind, clip[`grade_${kind}`])),
    );
    reason.textContent = clip.viral_reason || clip.description || "";
    replace(
      hashtags,
      (clip.hashtags || []).map((tag) => h("li", {}, tag)),
    );
    renderTranscript();
    titleInput.value = clip.title;
    descriptionInput.value = clip.description;
    startInput.value = formatClock(clip.start_time_sec, { precise: true });
    endInput.value = formatClock(clip.end_time_sec, { precise: true });
    const final = batch().status === "final";
    for (const control of [titleInput, descriptionInput, startInput, endInput, save, setStart, setEnd])
      control.disabled = final;
    finalizeButton.hidden = batch().status !== "ready";
    dialog.querySelector("#finalize-note").textContent = final
      ? "This batch is final: its clips can no longer be edited."
      : batch().status === "ready"
        ? "Finalizing accepts the batch and locks its clips."
        : "";
  }

  function renderTranscript() {
    const segments = clip.transcript_excerpt || [];
    if (!segments.length) {
      replace(transcript, h("p", { class: "muted" }, "No transcript under this clip."));
      return;
    }
    const hook = (clip.hook || "").trim();
    replace(
      transcript,
      segments.map((segment) => {
        const inside =
          segment.start_sec >= clip.start_time_sec - 0.05 && segment.end_sec <= clip.end_time_sec + 0.05;
        return h(
          "p",
          { class: inside ? "line" : "line outside" },
          h(
            "button",
            {
              type: "button",
              class: "line-time",
              "aria-label": `Play from ${formatClock(segment.start_sec)}`,
              onclick: () => seek(segment.start_sec, true),
            },
            formatClock(segment.start_sec),
          ),
          " ",
          segment.speaker ? h("span", { class: "speaker" }, `${segment.speaker}: `) : null,
          highlighted(segment.text, hook),
        );
      }),
    );
  }

  // --- the player ---------------------------------------------------------------------------------

  let playingExport = false;
  async function playSource(exportUrl = null, autoplay = false) {
    playingExport = Boolean(exportUrl);
    if (exportUrl) {
      player.src = exportUrl;
      playerNote.textContent = "Playing the rendered export.";
    } else {
      const link = await get(`/videos/${encodeURIComponent(clip.video_id)}/media-link`);
      player.src = `${link.url}#t=${clip.start_time_sec},${clip.end_time_sec}`;
      playerNote.textContent = `Source video, ${formatClock(clip.start_time_sec)} to ${formatClock(clip.end_time_sec)}.`;
    }
    if (autoplay) player.play().catch(() => {});
  }

  function seek(seconds, play = false) {
    if (playingExport) playSource();
    player.currentTime = seconds;
    if (play) player.play().catch(() => {});
  }

  player.addEventListener("timeupdate", () => {
    if (!playingExport && !player.paused && player.currentTime >= clip.end_time_sec) {
      player.pause();
      player.currentTime = clip.end_time_sec;
    }
  });
  replay.addEventListener("click", () =>
    playingExport
      ? ((player.currentTime = 0), player.play().catch(() => {}))
      : seek(clip.start_time_sec, true),
  );
  setStart.addEventListener("click", () => {
    startInput.value = formatClock(player.currentTime, { precise: true });
  });
  setEnd.addEventListener("click", () => {
    endInput.value = formatClock(player.currentTime, { precise: true });
  });

  // --- edits --------------------------------------------------------------------------------------

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    saved.textContent = "";
    const start = parseClock(startInput.value);
    const end = parseClock(endInput.value);
    if (!titleInput.value.trim())
      return void showFieldError(form, "title", "A clip needs a title.") || titleInput.focus();
    for (const [value, name, control] of [
      [start, "start_time_sec", startInput],
      [end, "end_time_sec", endInput],
    ]) {
      if (value === null || Number.isNaN(value)) {
        showFieldError(form, name, "Use mm:ss.s, for example 1:05.5.");
        control.focus();
        return;
      }
    }
    const edit = {};
    if (titleInput.value.trim() !== clip.title) edit.title = titleInput.value.trim();
    if (descriptionInput.value !== clip.description) edit.description = descriptionInput.value;
    if (Math.abs(start - clip.start_time_sec) > 0.01) edit.start_time_sec = start;
    if (Math.abs(end - clip.end_time_sec) > 0.01) edit.end_time_sec = end;
    if (!Object.keys(edit).length) {
      saved.textContent = "Nothing changed.";
      return;
    }
    save.disabled = true;
    try {
      const updated = await patch(`/clips/${encodeURIComponent(clip.clip_id)}`, { json: edit });
      const rangeChanged = "start_time_sec" in edit || "end_time_sec" in edit;
      clip = rangeChanged ? await get(`/clips/${encodeURIComponent(clip.clip_id)}`) : { ...clip, ...updated };
      render();
      const snapped =
        ("start_time_sec" in edit && Math.abs(clip.start_time_sec - edit.start_time_sec) > 0.01) ||
        ("end_time_sec" in edit && Math.abs(clip.end_time_sec - edit.end_time_sec) > 0.01);
      saved.textContent = snapped
        ? `Saved. The range was snapped to ${formatClock(clip.start_time_sec, { precise: true })} – ${formatClock(clip.end_time_sec, { precise: true })}.`
        : "Saved.";
      if (rangeChanged) playSource();
      onClipChanged(clip);
    } catch (error) {
      showErrors(form, error);
    } finally {
      save.disabled = batch().status === "final";
    }
  });

  finalizeButton.addEventListener("click", async () => {
    try {
      onBatch(await post(`/clip-batches/${encodeURIComponent(clip.clip_batch_id)}/finalize`));
      toast("Batch finalized: its clips are locked");
      render();
      closeButton.focus();
    } catch (error) {
      toast(error.message);
    }
  });

  // --- the dialog: modal, focus trapped inside, Esc closes, focus goes back -------------------------

  dialog.addEventListener("keydown", (event) => {
    if (event.key !== "Tab") return;
    const items = [...dialog.querySelectorAll(FOCUSABLE)].filter(
      (el) => el.offsetParent !== null || el === document.activeElement,
    );
    if (!items.length) return;
    const first = items[0];
    const last = items[items.length - 1];
    if (event.shiftKey && (document.activeElement === first || !dialog.contains(document.activeElement))) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  });
  dialog.addEventListener("click", (event) => {
    if (event.target === dialog) dialog.close(); // a click on the backdrop
  });
  closeButton.addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => {
    player.pause();
    player.removeAttribute("src");
    exports.stop?.();
    dialog.remove();
    if (opener && document.contains(opener) && opener !== document.body) opener.focus();
    onClosed();
  });

  render();
  document.body.append(dialog);
  dialog.showModal();
  closeButton.focus();
  await (exports.latestDone ? playSource(exports.latestDone, false) : playSource());
  return { close: () => dialog.open && dialog.close() };
}

function transcriptSection(transcript) {
  return h(
    "section",
    { class: "transcript-section", "aria-labelledby": "transcript-heading" },
    h("h3", { id: "transcript-heading" }, "Transcript"),
    transcript,
  );
}

/** `text` with the first occurrence of `hook` (or, when the hook spans lines, all of this line) marked. */
export function highlighted(text, hook) {
  if (!hook) return text;
  const at = text.toLowerCase().indexOf(hook.toLowerCase());
  if (at >= 0) {
    return [
      text.slice(0, at),
      h("mark", { class: "hook", title: "The hook" }, text.slice(at, at + hook.length)),
      text.slice(at + hook.length),
    ];
  }
  if (text.trim() && hook.toLowerCase().includes(text.trim().toLowerCase()))
    return h("mark", { class: "hook", title: "The hook" }, text);
  return text;
}
