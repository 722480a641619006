// Get Clips: every field of the batch configuration, its choices and defaults read from the API's own
// OpenAPI document (ClipBatchCreate), so the form cannot drift from what the API accepts. The API's
// 422 messages appear next to their fields. One idempotency key per intended batch makes a double
// click (or a resent request) create one batch.

import { openApiDocument, post } from "./api.js";
import { h } from "./dom.js";
import { clearErrors, field, formError, showErrors, showFieldError } from "./forms.js";
import { formatClock, formatDuration, parseClock } from "./time.js";
import { label } from "./ui.js";

const GENRES = {
  auto: "Auto-detect",
  qa: "Q&A",
  how_to: "How-to",
  motivational_speech: "Motivational speech",
  sports_commentary: "Sports commentary",
  product_review: "Product review",
};
const RATIOS = { "9:16": "Portrait", "1:1": "Square", "4:5": "Feed", "16:9": "Landscape" };
const RATIO_USES = {
  "9:16": "Shorts, Reels, TikTok",
  "1:1": "Feeds",
  "4:5": "Instagram feed",
  "16:9": "YouTube",
};
const LENGTHS = {
  auto: "Auto (30–90 s)",
  "<30s": "Under 30 s",
  "30-60s": "30–60 s",
  "60-90s": "60–90 s",
  "90s-3m": "90 s – 3 min",
};
const STRATEGIES = {
  "": "Server default",
  auto: "Auto (by transcript size)",
  global: "One call for the whole video",
  per_window: "One call per window",
};

/** A fresh idempotency key; crypto.randomUUID needs a secure context, getRandomValues does not. */
export function newIdempotencyKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function enumOf(document, property) {
  const ref = property.$ref || property.anyOf?.find((p) => p.$ref)?.$ref;
  return ref ? document.components.schemas[ref.split("/").pop()].enum : [];
}

function radioGroup(name, legend, values, chosen, render) {
  return h(
    "fieldset",
    { class: `choice-group choice-${name}`, dataset: { field: name } },
    h("legend", {}, legend),
    h(
      "div",
      { class: "choices" },
      values.map((value) => {
        const id = `${name}-${value.replace(/\W+/g, "_")}`;
        return h(
          "span",
          { class: "choice" },
          h("input", { type: "radio", name, id, value, checked: value === chosen }),
          h("label", { for: id }, render(value)),
        );
      }),
    ),
    h("p", { class: "field-error", role: "alert" }),
  );
}

function ratioLabel(value) {
  const [w, hgt] = value.split(":").map(Number);
  const frame = h("span", { class: "ratio-frame", "aria-hidden": "true" });
  frame.style.aspectRatio = `${w} / ${hgt}`;
  if (w >= hgt) frame.style.width = "32px";
  else frame.style.height = "32px";
  return [
    h("span", { class: "ratio-box" }, frame),
    h("span", { class: "choice-title" }, `${value} ${RATIOS[value] || ""}`),
    h("span", { class: "choice-note" }, RATIO_USES[value] || ""),
  ];
}

/** The Get Clips form for `video`; `onCreated(batch)` runs once per created batch. */
export async function getClipsForm(video, onCreated) {
  const document = await openApiDocument();
  const schema = document.components.schemas.ClipBatchCreate.properties;
  const defaults = Object.fromEntries(Object.entries(schema).map(([name, p]) => [name, p.default]));

  const genre = h(
    "select",
    {},
    enumOf(document, schema.video_type).map((v) =>
      h("option", { value: v, selected: v === defaults.video_type }, label(GENRES, v)),
    ),
  );
  const subtitles = h("input", { type: "checkbox", checked: defaults.subtitle_enabled !== false });
  const start = h("input", {
    type: "text",
    inputMode: "numeric",
    value: formatClock(defaults.processing_timeframe_start || 0),
    placeholder: "0:00",
    autocomplete: "off",
    size: 8,
  });
  const end = h("input", {
    type: "text",
    inputMode: "numeric",
    placeholder: formatClock(video.duration_sec),
    autocomplete: "off",
    size: 8,
  });
  const momentsMax = schema.include_specific_moments.anyOf?.find((p) => p.maxLength)?.maxLength || 500;
  const moments = h("textarea", {
    rows: 2,
    maxLength: momentsMax,
    placeholder: "e.g. the part about water ice at the lunar poles",
  });
  const strategy = h(
    "select",
    {},
    ["", ...enumOf(document, schema.scoring_strategy)].map((v) =>
      h("option", { value: v }, label(STRATEGIES, v)),
    ),
  );
  const name = h("input", {
    type: "text",
    value: defaults.name || "default",
    maxLength: schema.name.maxLength || 120,
    autocomplete: "off",
  });
  const webhook = h("input", {
    type: "url",
    placeholder: "https://example.com/hooks/viralclip",
    autocomplete: "off",
  });
  const submit = h("button", { type: "submit", class: "button primary large", id: "get-clips" }, "Get Clips");

  const form = h(
    "form",
    { class: "form get-clips", id: "get-clips-form", novalidate: true },
    radioGroup(
      "aspect_ratio",
      "Aspect ratio",
      enumOf(document, schema.aspect_ratio),
      defaults.aspect_ratio,
      ratioLabel,
    ),
    radioGroup(
      "clip_length_preset",
      "Clip length",
      enumOf(document, schema.clip_length_preset),
      defaults.clip_length_preset,
      (v) => label(LENGTHS, v),
    ),
    h(
      "div",
      { class: "field-row" },
      field("Genre", "video_type", genre),
      field("From (mm:ss)", "processing_timeframe_start", start, { hint: "Where to start looking." }),
      field("To (mm:ss)", "processing_timeframe_end", end, {
        hint: `Empty: the end (${formatDuration(video.duration_sec)}).`,
      }),
    ),
    h(
      "div",
      { class: "field checkbox", dataset: { field: "subtitle_enabled" } },
      subtitles,
      h("label", { for: (subtitles.id = "subtitle_enabled") }, "Subtitles burned into exports"),
      h("p", { class: "field-error", role: "alert" }),
    ),
    field("Moments to include", "include_specific_moments", moments, {
      hint: `Optional, up to ${momentsMax} characters.`,
      wide: true,
    }),
    h(
      "details",
      { class: "more-options" },
      h("summary", {}, "More options"),
      h(
        "div",
        { class: "field-row" },
        field("Batch name", "name", name),
        field("Scoring strategy", "scoring_strategy", strategy),
      ),
      field("Webhook URL", "webhook_url", webhook, {
        hint: "Called, signed, when the batch ends (needs the server's webhook secret).",
        wide: true,
      }),
    ),
    formError(),
    h(
      "div",
      { class: "row" },
      submit,
      h("span", { class: "muted", id: "get-clips-note" }, "Clips appear in under a minute for most videos."),
    ),
  );

  let key = newIdempotencyKey();
  form.addEventListener("input", () => {
    key = newIdempotencyKey(); // a changed form is a new intended batch
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const from = parseClock(start.value);
    const to = parseClock(end.value);
    let bad = false;
    for (const [value, fieldName] of [
      [from, "processing_timeframe_start"],
      [to, "processing_timeframe_end"],
    ]) {
      if (Number.isNaN(value)) {
        showFieldError(form, fieldName, "Use mm:ss (or h:mm:ss), for example 2:30.");
        bad = true;
      }
    }
    if (bad) {
      form.querySelector("[aria-invalid]").focus();
      return;
    }
    const body = {
      video_type: genre.value,
      aspect_ratio: form.elements.aspect_ratio.value,
      clip_length_preset: form.elements.clip_length_preset.value,
      subtitle_enabled: subtitles.checked,
      processing_timeframe_start: from ?? 0,
      processing_timeframe_end: to,
      include_specific_moments: moments.value.trim() || null,
      scoring_strategy: strategy.value || null,
      name: name.value.trim() || "default",
    };
    if (webhook.value.trim()) body.webhook_url = webhook.value.trim();
    if (body.name !== "default" || body.scoring_strategy || body.webhook_url)
      form.querySelector(".more-options").open = true;
    submit.disabled = true;
    submit.textContent = "Starting…";
    try {
      const batch = await post(`/videos/${encodeURIComponent(video.video_id)}/clip-batches`, {
        json: body,
        headers: { "Idempotency-Key": key },
      });
      onCreated(batch);
    } catch (error) {
      if (error.fieldErrors?.has("Idempotency-Key")) key = newIdempotencyKey();
      showErrors(form, error);
    } finally {
      submit.disabled = false;
      submit.textContent = "Get Clips";
    }
  });
  return form;
}
