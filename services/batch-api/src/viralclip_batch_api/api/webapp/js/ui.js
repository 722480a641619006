// Pieces every screen shares: the score badge, grade chips, status chips, the progress bar, toasts.

import { h } from "./dom.js";

/** Show a short confirmation that screen readers announce. */
export function toast(message) {
  const item = h("div", { class: "toast" }, message);
  document.getElementById("toasts").append(item);
  setTimeout(() => item.remove(), 4000);
}

/** The tier of a viral score, for its colour: 8+ hot, 6+ good, 4+ fair, else low. */
export function scoreTier(score) {
  if (score >= 8) return "hot";
  if (score >= 6) return "good";
  if (score >= 4) return "fair";
  return "low";
}

export function scoreBadge(score, { large = false } = {}) {
  return h(
    "span",
    { class: `score score-${scoreTier(score)}${large ? " score-large" : ""}`, title: "Viral score, 0 to 10" },
    h("span", { class: "visually-hidden" }, "Viral score "),
    score.toFixed(1),
  );
}

export const GRADE_NAMES = { hook: "Hook", flow: "Flow", value: "Value", trend: "Trend" };

/** A chip like `Hook A-`, coloured by the letter. */
export function gradeChip(kind, grade) {
  const letter = grade[0].toLowerCase();
  return h(
    "span",
    { class: `grade grade-${letter}`, title: `${GRADE_NAMES[kind]} grade ${grade}` },
    h("span", { class: "grade-kind" }, GRADE_NAMES[kind]),
    h("span", { class: "grade-letter" }, grade),
  );
}

export function gradeChips(clip) {
  return h(
    "span",
    { class: "grades" },
    Object.keys(GRADE_NAMES).map((kind) => gradeChip(kind, clip[`grade_${kind}`])),
  );
}

const STATUS_LABELS = { draft: "Working", ready: "Ready to review", final: "Final", failed: "Failed" };

export function statusChip(status) {
  return h("span", { class: `status status-${status}` }, STATUS_LABELS[status] || status);
}

/** A labelled progress bar; `set(fraction, text)` updates it. */
export function progressBar(label) {
  const fill = h("span", { class: "progress-fill" });
  const bar = h(
    "div",
    {
      class: "progress",
      role: "progressbar",
      "aria-label": label,
      "aria-valuemin": "0",
      "aria-valuemax": "100",
      "aria-valuenow": "0",
    },
    fill,
  );
  bar.set = (fraction, text) => {
    const percent = Math.round(Math.max(0, Math.min(1, fraction)) * 100);
    fill.style.width = `${percent}%`;
    bar.setAttribute("aria-valuenow", String(percent));
    if (text) bar.setAttribute("aria-valuetext", text);
  };
  return bar;
}

/** A human label for an API enum value, falling back to the value itself. */
export function label(labels, value) {
  return (
    labels[value] ||
    String(value)
      .replaceAll("_", " ")
      .replace(/^./, (c) => c.toUpperCase())
  );
}
