// Videos: the list (GET /videos, newest first) and registering one (POST /videos: an upload as
// multipart/form-data, or a file already under the media root as JSON).

import { get, post, query } from "./api.js";
import { h, replace } from "./dom.js";
import { clearErrors, field, formError, showErrors, showFieldError } from "./forms.js";
import { formatDuration, formatWhen } from "./time.js";
import { toast } from "./ui.js";

const PAGE = 12;

export async function mountVideos(main, _params, signal) {
  const list = h("div", { class: "video-list", id: "video-list" });
  const more = h("button", { type: "button", class: "button ghost", hidden: true }, "Show more");
  const count = h("p", { class: "muted" });
  let loaded = 0;

  async function load() {
    const page = await get(`/videos${query({ skip: loaded, limit: PAGE })}`, { signal });
    if (loaded === 0) list.replaceChildren();
    for (const video of page.data) list.append(videoCard(video));
    loaded += page.data.length;
    count.textContent = page.count === 1 ? "1 video" : `${page.count} videos`;
    more.hidden = loaded >= page.count;
    if (page.count === 0) {
      list.append(
        h(
          "div",
          { class: "empty-state small" },
          h("h3", {}, "No videos yet"),
          h("p", {}, "Register one with the form to get clips from it."),
        ),
      );
    }
  }
  more.addEventListener("click", () => load());

  replace(
    main,
    h(
      "div",
      { class: "page" },
      h("div", { class: "page-head" }, h("div", {}, h("h1", {}, "Your videos"), count)),
      h(
        "div",
        { class: "two-columns" },
        h(
          "section",
          { "aria-labelledby": "videos-heading", class: "column-main" },
          h("h2", { id: "videos-heading", class: "visually-hidden" }, "Registered videos"),
          list,
          more,
        ),
        h(
          "section",
          { class: "card column-side", "aria-labelledby": "register-heading" },
          h("h2", { id: "register-heading" }, "Register a video"),
          registerForm(),
        ),
      ),
    ),
  );
  await load();
  return {};
}

function videoCard(video) {
  return h(
    "a",
    { class: "video-card", href: `#/videos/${encodeURIComponent(video.video_id)}` },
    h("span", { class: "video-icon", "aria-hidden": "true" }, "▶"),
    h(
      "span",
      { class: "video-text" },
      h("span", { class: "video-title" }, video.title),
      h(
        "span",
        { class: "video-meta" },
        `${formatDuration(video.duration_sec)} · ${video.language} · ${formatWhen(video.created_at)}`,
      ),
    ),
  );
}

function registerForm() {
  const modeUpload = h("input", {
    type: "radio",
    name: "mode",
    value: "upload",
    id: "mode-upload",
    checked: true,
  });
  const modePath = h("input", { type: "radio", name: "mode", value: "path", id: "mode-path" });
  const title = h("input", { type: "text", required: true, maxLength: 300, autocomplete: "off" });
  const videoId = h("input", {
    type: "text",
    pattern: "[A-Za-z0-9][A-Za-z0-9._-]{0,127}",
    autocomplete: "off",
    placeholder: "generated when empty",
  });
  const media = h("input", { type: "file", accept: "video/*,audio/*,.mkv,.mov,.mp4,.webm" });
  const mediaPath = h("input", { type: "text", placeholder: "videos/episode-12.mp4", autocomplete: "off" });
  const transcript = h("input", { type: "file", accept: ".json,.srt,.vtt,.txt,application/json,text/vtt" });
  const scenes = h("input", { type: "file", accept: ".json,application/json" });
  const transcriptFormat = h(
    "select",
    {},
    h("option", { value: "" }, "Detect"),
    h("option", { value: "json" }, "JSON segments"),
    h("option", { value: "srt" }, "SubRip (.srt)"),
    h("option", { value: "vtt" }, "WebVTT (.vtt)"),
  );
  const language = h("input", { type: "text", value: "en", maxLength: 35, autocomplete: "off" });
  const summary = h("textarea", { rows: 2, maxLength: 5000 });
  const duration = h("input", { type: "number", min: "0", step: "any", inputMode: "decimal" });
  const submit = h("button", { type: "submit", class: "button primary" }, "Register video");

  const uploadField = field("Video file", "media", media);
  const pathField = field("Media path", "media_path", mediaPath, {
    hint: "A file already under the server's media root.",
  });
  pathField.hidden = true;

  const form = h(
    "form",
    { class: "form", id: "register-form", novalidate: true },
    h(
      "fieldset",
      { class: "mode" },
      h("legend", {}, "Where is the video?"),
      h(
        "div",
        { class: "segmented" },
        h("span", {}, modeUpload, h("label", { for: "mode-upload" }, "Upload a file")),
        h("span", {}, modePath, h("label", { for: "mode-path" }, "On the server")),
      ),
    ),
    field("Title", "title", title),
    uploadField,
    pathField,
    field("Transcript file", "transcript", transcript, { hint: "Timed JSON segments, SRT or WebVTT." }),
    h(
      "details",
      { class: "more-options" },
      h("summary", {}, "More options"),
      field("Transcript format", "transcript_format", transcriptFormat),
      field("Scenes file", "scenes", scenes, {
        hint: "Optional JSON list of scene cuts; derived from the transcript when absent.",
      }),
      field("Video id", "video_id", videoId, { hint: "Letters, digits, dot, dash, underscore." }),
      field("Language", "language", language, { hint: "BCP-47, e.g. en or id." }),
      field("Duration in seconds", "duration_sec", duration, { hint: "Read from the file when empty." }),
      field("Summary", "summary", summary, {
        hint: "A few sentences about the whole video; it helps the scorer.",
      }),
    ),
    formError(),
    h("div", { class: "row" }, submit),
  );

  const switchMode = () => {
    uploadField.hidden = !modeUpload.checked;
    pathField.hidden = modeUpload.checked;
  };
  modeUpload.addEventListener("change", switchMode);
  modePath.addEventListener("change", switchMode);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    let missing = false;
    const require = (ok, name, message) => {
      if (!ok) {
        showFieldError(form, name, message);
        missing = true;
      }
    };
    require(title.value.trim(), "title", "Give the video a title.");
    require(transcript.files.length, "transcript", "Choose the transcript file.");
    if (modeUpload.checked) require(media.files.length, "media", "Choose the video file.");
    else require(mediaPath.value.trim(), "media_path", "Give the path under the media root.");
    if (missing) {
      form.querySelector("[aria-invalid]")?.focus();
      return;
    }
    const optional = {
      video_id: videoId.value.trim(),
      transcript_format: transcriptFormat.value,
      language: language.value.trim(),
      summary: summary.value.trim(),
      duration_sec: duration.value.trim(),
    };
    submit.disabled = true;
    submit.textContent = modeUpload.checked ? "Uploading…" : "Registering…";
    try {
      let video;
      if (modeUpload.checked) {
        const data = new FormData();
        data.set("title", title.value.trim());
        data.set("media", media.files[0]);
        data.set("transcript", transcript.files[0]);
        for (const [name, value] of Object.entries(optional)) if (value) data.set(name, value);
        if (scenes.files.length) data.set("scenes", scenes.files[0]);
        video = await post("/videos", { form: data });
      } else {
        const body = {
          title: title.value.trim(),
          media_path: mediaPath.value.trim(),
          transcript: await transcript.files[0].text(),
        };
        for (const [name, value] of Object.entries(optional))
          if (value) body[name] = name === "duration_sec" ? Number(value) : value;
        if (scenes.files.length) {
          try {
            body.scenes = JSON.parse(await scenes.files[0].text());
          } catch {
            showFieldError(form, "scenes", "This file is not JSON.");
            return;
          }
        }
        video = await post("/videos", { json: body });
      }
      toast(`Registered “${video.title}”`);
      location.hash = `#/videos/${encodeURIComponent(video.video_id)}`;
    } catch (error) {
      form.querySelector("details.more-options").open ||= [...(error.fieldErrors?.keys() || [])].some(
        (name) =>
          ["video_id", "language", "summary", "transcript_format", "duration_sec", "scenes"].includes(
            name.split(/[.[]/)[0],
          ),
      );
      showErrors(form, error);
    } finally {
      submit.disabled = false;
      submit.textContent = "Register video";
    }
  });
  return form;
}
