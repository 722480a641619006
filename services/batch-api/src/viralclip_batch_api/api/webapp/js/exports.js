// Export a clip as a rendered MP4: POST /clips/{id}/exports, follow GET /exports/{id} to done or
// failed, then a download link to /exports/{id}/file. Shown only when the API offers the export
// endpoints (its OpenAPI document lists them); a deployment without them shows no Export button.

import { get, loadableUrl, offers, openApiDocument, post } from "./api.js";
import { h, replace } from "./dom.js";
import { field } from "./forms.js";
import { label, progressBar } from "./ui.js";

const CREATE = "/viral-clip/clips/{clip_id}/exports";
const LIST = "/viral-clip/clips/{clip_id}/exports";
const POLL_MS = 1000;
const REFRAMES = {
  "": "Batch default",
  center: "Centre crop",
  fit: "Fit (blurred bars)",
  face: "Follow the face",
};
const RESOLUTIONS = { "": "Batch default (1080p)", 1080: "1080p", 720: "720p preview" };

const exportId = (item) => item.export_id ?? item.id;
const exportError = (item) => item.error_message ?? item.error ?? "the render failed";

/** The export section for the modal (empty and hidden when exports are not offered). */
export async function exportPanel({ clip, batch, onPlayExport }) {
  const section = h("section", {
    class: "export-section",
    id: "export-section",
    "aria-labelledby": "export-heading",
  });
  if (!(await offers("POST", CREATE))) {
    section.hidden = true;
    return section;
  }
  const settings = await requestProperties();
  const reframe = h(
    "select",
    {},
    ["", "face", "center", "fit"].map((v) => h("option", { value: v }, label(REFRAMES, v))),
  );
  const captions = h("input", {
    type: "checkbox",
    id: "export-captions",
    checked: batch().config.subtitle_enabled,
  });
  const resolution = h(
    "select",
    {},
    ["", "1080", "720"].map((v) => h("option", { value: v }, label(RESOLUTIONS, v))),
  );
  const button = h("button", { type: "button", class: "button primary", id: "export-button" }, "Export MP4");
  const bar = progressBar("Export progress");
  const statusLine = h("p", { class: "export-status", id: "export-status", role: "status" });
  const download = h("div", { class: "export-result", id: "export-result" });
  bar.hidden = true;

  replace(
    section,
    h("h3", { id: "export-heading" }, "Export"),
    h(
      "div",
      { class: "field-row" },
      settings.has("reframe") ? field("Reframe", "reframe", reframe) : null,
      settings.has("resolution") ? field("Resolution", "resolution", resolution) : null,
    ),
    settings.has("captions")
      ? h(
          "div",
          { class: "field checkbox" },
          captions,
          h("label", { for: "export-captions" }, "Burn captions word by word"),
        )
      : null,
    h("div", { class: "row" }, button),
    bar,
    statusLine,
    download,
  );

  let timer = null;
  const stop = () => clearTimeout(timer);
  section.stop = stop;

  async function show(item) {
    const status = item.status;
    bar.hidden = status === "done" || status === "failed";
    bar.set(item.progress ?? (status === "done" ? 1 : 0), status);
    if (status === "failed") {
      statusLine.textContent = `Export failed: ${exportError(item)}`;
      button.disabled = false;
      button.textContent = "Try the export again";
      return true;
    }
    if (status !== "done") {
      statusLine.textContent =
        status === "queued"
          ? "Queued for rendering…"
          : `Rendering… ${Math.round((item.progress ?? 0) * 100)}%`;
      return false;
    }
    const path = item.download_url ?? `/viral-clip/exports/${encodeURIComponent(exportId(item))}/file`;
    const url = await loadableUrl(path);
    const facts = [
      item.resolution,
      item.size_bytes ? `${(item.size_bytes / 1e6).toFixed(1)} MB` : null,
    ].filter(Boolean);
    statusLine.textContent = facts.length ? `Export ready: ${facts.join(", ")}.` : "Export ready.";
    replace(
      download,
      h(
        "a",
        {
          class: "button",
          href: url,
          download: `${clip().title.slice(0, 60) || clip().clip_id}.mp4`,
          id: "export-download",
        },
        "Download MP4",
      ),
      h(
        "button",
        { type: "button", class: "button ghost", onclick: () => onPlayExport(url) },
        "Play the export",
      ),
    );
    button.disabled = false;
    button.textContent = "Export again";
    return true;
  }

  async function followExport(id) {
    const item = await get(`/exports/${encodeURIComponent(id)}`);
    if (!(await show(item)) && section.isConnected !== false)
      timer = setTimeout(() => followExport(id).catch(fail), POLL_MS);
  }

  function fail(error) {
    statusLine.textContent = `Export failed: ${error.message}`;
    button.disabled = false;
  }

  button.addEventListener("click", async () => {
    const body = {};
    if (settings.has("reframe") && reframe.value) body.reframe = reframe.value;
    if (settings.has("captions")) body.captions = captions.checked;
    if (settings.has("resolution") && resolution.value) body.resolution = resolution.value;
    button.disabled = true;
    statusLine.textContent = "Starting the export…";
    replace(download);
    try {
      const created = await post(`/clips/${encodeURIComponent(clip().clip_id)}/exports`, { json: body });
      stop();
      if (!(await show(created))) followExport(exportId(created)).catch(fail);
    } catch (error) {
      fail(error);
    }
  });

  // A clip already exported plays its render; an export still running is followed.
  if (await offers("GET", LIST)) {
    try {
      const answer = await get(`/clips/${encodeURIComponent(clip().clip_id)}/exports`);
      const items = Array.isArray(answer) ? answer : answer.data || [];
      const running = items.find((item) => item.status === "queued" || item.status === "rendering");
      const done = items.find((item) => item.status === "done");
      if (running) followExport(exportId(running)).catch(fail);
      else if (done && (await show(done))) section.latestDone = download.querySelector("a")?.href;
    } catch {
      // No exports to show yet.
    }
  }
  return section;
}

/** The names of the export request's body properties, from the OpenAPI document. */
async function requestProperties() {
  const document = await openApiDocument();
  const content = document.paths[CREATE].post.requestBody?.content?.["application/json"]?.schema;
  let schema = content;
  const ref = content?.$ref || content?.anyOf?.find((p) => p.$ref)?.$ref;
  if (ref) schema = document.components.schemas[ref.split("/").pop()];
  return new Set(Object.keys(schema?.properties || { reframe: 1, captions: 1, resolution: 1 }));
}
