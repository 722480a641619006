// Labelled fields with an error slot each, and the API's 422 field errors shown next to their fields.

import { h, uid } from "./dom.js";

/**
 * A labelled control for the API field `name`: `control` is an input/select/textarea element (its id
 * and name are set here). Returns the wrapper; the error text appears in its `.field-error`.
 */
export function field(label, name, control, { hint, wide = false } = {}) {
  const id = control.id || uid(name.replace(/\W+/g, "-"));
  control.id = id;
  control.name = control.name || name;
  const errorId = `${id}-error`;
  const hintId = hint ? `${id}-hint` : null;
  control.setAttribute("aria-describedby", [hintId, errorId].filter(Boolean).join(" "));
  return h(
    "div",
    { class: wide ? "field field-wide" : "field", dataset: { field: name } },
    h("label", { for: id }, label),
    control,
    hint ? h("p", { class: "field-hint", id: hintId }, hint) : null,
    h("p", { class: "field-error", id: errorId, role: "alert" }),
  );
}

/** Clear every error of the form. */
export function clearErrors(form) {
  for (const slot of form.querySelectorAll(".field-error, .form-error")) slot.textContent = "";
  for (const control of form.querySelectorAll("[aria-invalid]")) control.removeAttribute("aria-invalid");
}

/** Put one error message next to the field `name`; false when the form has no such field. */
export function showFieldError(form, name, message) {
  const wrapper = form.querySelector(`[data-field="${CSS.escape(name)}"]`);
  if (!wrapper) return false;
  wrapper.querySelector(".field-error").textContent = message;
  const control = wrapper.querySelector("input, select, textarea");
  control?.setAttribute("aria-invalid", "true");
  return true;
}

/**
 * Show an ApiError on the form: each 422 field error beside its field (a nested name like
 * `transcript[3].end_sec` goes to the `transcript` field), the rest in the form's `.form-error`.
 * `aliases` maps API field names to the form's (e.g. the idempotency header to the submit row).
 */
export function showErrors(form, error, aliases = {}) {
  clearErrors(form);
  const general = [];
  if (error.fieldErrors?.size) {
    for (const [name, message] of error.fieldErrors) {
      const target = aliases[name] || name;
      const base = target.split(/[.[]/)[0];
      const shown =
        showFieldError(form, target, message) ||
        (base !== target && showFieldError(form, base, `${name}: ${message}`));
      if (!shown) general.push(name ? `${name}: ${message}` : message);
    }
  } else {
    general.push(error.message);
  }
  const slot = form.querySelector(".form-error");
  if (slot) slot.textContent = general.join(" ");
  form.querySelector("[aria-invalid]")?.focus();
}

/** A form's general error line (role=alert, so screen readers hear it). */
export function formError() {
  return h("p", { class: "form-error", role: "alert" });
}
