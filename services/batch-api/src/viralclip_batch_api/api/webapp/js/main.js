// The review page: a hash router over four screens (videos, a video's Get Clips and batches, a batch's
// progress and clip grid, a clip's Segment Detail), the token field, the banner and toasts.

import { setToken, token } from "./api.js";
import { mountBatch } from "./batch.js";
import { h } from "./dom.js";
import { mountVideo } from "./video.js";
import { toast } from "./ui.js";
import { mountVideos } from "./videos.js";

const main = document.getElementById("main");

const ROUTES = [
  [/^#?\/?$/, () => ({ key: "videos", mount: mountVideos, params: {} })],
  [
    /^#\/videos\/([^/]+)$/,
    (m) => ({ key: `video:${m[1]}`, mount: mountVideo, params: { videoId: decodeURIComponent(m[1]) } }),
  ],
  [
    /^#\/batches\/([^/]+)(?:\/clips\/([^/]+))?$/,
    (m) => ({
      key: `batch:${m[1]}`,
      mount: mountBatch,
      params: { batchId: decodeURIComponent(m[1]), clipId: m[2] ? decodeURIComponent(m[2]) : null },
    }),
  ],
];

let current = null;

function resolve(hash) {
  for (const [pattern, make] of ROUTES) {
    const match = pattern.exec(hash);
    if (match) return make(match);
  }
  return null;
}

async function route() {
  const next = resolve(location.hash);
  if (!next) {
    location.replace("#/");
    return;
  }
  if (current && current.key === next.key && current.view?.update) {
    current.view.update(next.params);
    return;
  }
  current?.controller.abort();
  const controller = new AbortController();
  current = { key: next.key, controller, view: null };
  hideBanner();
  main.replaceChildren(h("div", { class: "loading", role: "status" }, "Loading…"));
  try {
    const view = await next.mount(main, next.params, controller.signal);
    if (current?.controller === controller) current.view = view;
  } catch (error) {
    if (controller.signal.aborted) return;
    main.replaceChildren(
      h(
        "section",
        { class: "empty-state" },
        h("h1", {}, "Something went wrong"),
        h("p", {}, error.message),
        h("a", { class: "button", href: "#/" }, "Back to your videos"),
      ),
    );
  }
  document.title = `${main.querySelector("h1")?.textContent || "Review your clips"} — viralclip`;
}

const banner = document.getElementById("banner");

function hideBanner() {
  banner.hidden = true;
}

function setUpToken() {
  const panel = document.getElementById("token-panel");
  const input = document.getElementById("token-input");
  const state = document.getElementById("token-state");
  const show = () => {
    state.textContent = token() ? "Token set" : "API token";
    panel.classList.toggle("has-token", Boolean(token()));
  };
  document.getElementById("token-form").addEventListener("submit", (event) => {
    event.preventDefault();
    setToken(input.value.trim());
    input.value = "";
    panel.open = false;
    show();
    toast(token() ? "Token saved for this tab" : "Token cleared");
    current = null;
    route();
  });
  document.getElementById("token-clear").addEventListener("click", () => {
    setToken("");
    show();
    toast("Token forgotten");
  });
  window.addEventListener("viralclip:unauthorized", () => {
    banner.replaceChildren(
      "This server needs an API token. ",
      h(
        "button",
        {
          class: "link",
          type: "button",
          onclick: () => {
            panel.open = true;
            input.focus();
          },
        },
        "Enter it",
      ),
      " and try again.",
    );
    banner.hidden = false;
  });
  show();
}

document.getElementById("skip-link").addEventListener("click", () => main.focus());
window.addEventListener("hashchange", route);
setUpToken();
route();
