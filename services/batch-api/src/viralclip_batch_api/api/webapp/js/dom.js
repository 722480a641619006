// A tiny element builder: text always goes in as text (never as HTML), so API data cannot inject markup.

/** `h("button", {class: "x", onclick: f}, "Label", child)`; attributes set to null/false are left out. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") element.addEventListener(name.slice(2), value);
    else if (name === "dataset") Object.assign(element.dataset, value);
    else if (name in element && !name.includes("-") && name !== "list" && name !== "form")
      element[name] = value;
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replace the element's children. */
export function replace(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

let ids = 0;

/** An id no other element of the page has (for label `for` and `aria-describedby`). */
export function uid(prefix) {
  ids += 1;
  return `${prefix}-${ids}`;
}
