// The REST client of the review page: the public API only, with the bearer token from this browser
// session (sessionStorage, never the URL). Read this file to see how a frontend talks to viralclip.

export const API = "/viral-clip";
const TOKEN_KEY = "viralclip.apiToken";

/** An answer that was not 2xx: `status`, the API's `detail`, and 422 field errors by field name. */
export class ApiError extends Error {
  constructor(status, detail) {
    super(ApiError.describe(status, detail));
    this.status = status;
    this.detail = detail;
    this.fieldErrors = new Map();
    if (Array.isArray(detail)) {
      for (const item of detail) {
        const field = (item.loc || []).slice(1).join(".");
        const message = String(item.msg || "is invalid").replace(/^Value error, /, "");
        if (!this.fieldErrors.has(field)) this.fieldErrors.set(field, message);
      }
    }
  }

  static describe(status, detail) {
    if (typeof detail === "string") return detail;
    if (Array.isArray(detail) && detail.length) {
      return detail.map((d) => `${(d.loc || []).slice(1).join(".") || "request"}: ${d.msg}`).join("; ");
    }
    return `the API answered ${status}`;
  }

  static async from(response) {
    let detail = null;
    try {
      detail = (await response.json()).detail;
    } catch {
      detail = response.statusText || null;
    }
    const error = new ApiError(response.status, detail);
    if (response.status === 401) window.dispatchEvent(new CustomEvent("viralclip:unauthorized"));
    return error;
  }
}

export function token() {
  return sessionStorage.getItem(TOKEN_KEY) || "";
}

export function setToken(value) {
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  else sessionStorage.removeItem(TOKEN_KEY);
  blobUrls.clear();
}

function authorized(extra = {}) {
  const headers = new Headers(extra);
  if (token()) headers.set("Authorization", `Bearer ${token()}`);
  return headers;
}

/** `method` `path` (under /viral-clip) with a JSON body or a FormData; the parsed JSON answer. */
export async function request(method, path, { json, form, headers, signal } = {}) {
  const init = { method, headers: authorized(headers), signal };
  if (json !== undefined) {
    init.body = JSON.stringify(json);
    init.headers.set("Content-Type", "application/json");
  } else if (form !== undefined) {
    init.body = form;
  }
  const response = await fetch(API + path, init);
  if (!response.ok) throw await ApiError.from(response);
  const type = response.headers.get("Content-Type") || "";
  return type.includes("json") ? response.json() : null;
}

export const get = (path, options) => request("GET", path, options);
export const post = (path, options) => request("POST", path, options);
export const patch = (path, options) => request("PATCH", path, options);

/** `?a=1&b=2` of the defined values. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

/**
 * The batch's server-sent `progress` events. EventSource cannot send a bearer token, so this reads the
 * `text/event-stream` with fetch and parses it; it ends when the server closes the stream.
 */
export async function* progressEvents(batchId, signal) {
  const response = await fetch(`${API}/clip-batches/${encodeURIComponent(batchId)}/events`, {
    headers: authorized({ Accept: "text/event-stream" }),
    signal,
    cache: "no-store",
  });
  if (!response.ok) throw await ApiError.from(response);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    // A chunk may end between the \r and \n of a line break: keep a trailing \r for the next one.
    const keep = buffer.endsWith("\r") ? "\r" : "";
    const text = (keep ? buffer.slice(0, -1) : buffer).replace(/\r\n?/g, "\n");
    const blocks = text.split("\n\n");
    buffer = blocks.pop() + keep;
    for (const block of blocks) {
      const event = parseEvent(block);
      if (event && event.event === "progress") yield JSON.parse(event.data);
    }
  }
}

function parseEvent(block) {
  let event = "message";
  const data = [];
  for (const line of block.split("\n")) {
    if (!line || line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "event") event = value;
    else if (field === "data") data.push(value);
  }
  return data.length ? { event, data: data.join("\n") } : null;
}

const blobUrls = new Map();

/**
 * A URL an `<img>` or a download link can use for a guarded GET `path` (a full path, e.g. a clip's
 * `thumbnail_url`): the path itself when the API is open, else an object URL of the body fetched
 * with the token.
 */
export async function loadableUrl(path) {
  if (!token()) return path;
  if (!blobUrls.has(path)) {
    const response = await fetch(path, { headers: authorized() });
    if (!response.ok) throw await ApiError.from(response);
    blobUrls.set(path, URL.createObjectURL(await response.blob()));
  }
  return blobUrls.get(path);
}

let openapi = null;

/** The API's OpenAPI document (open, like /docs): the form defaults and enums come from it. */
export async function openApiDocument() {
  if (!openapi) {
    const response = await fetch("/openapi.json");
    if (!response.ok) throw await ApiError.from(response);
    openapi = await response.json();
  }
  return openapi;
}

/** Whether the API offers `method` on `path` (e.g. the export endpoints, which may not be deployed). */
export async function offers(method, path) {
  const document = await openApiDocument();
  return Boolean(document.paths?.[path]?.[method.toLowerCase()]);
}
