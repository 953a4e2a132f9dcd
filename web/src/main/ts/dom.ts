// The page builds its DOM only through h(): strings always become text nodes, so nothing a
// message, a name or an error says is ever parsed as HTML.

type Child = Node | string | null | undefined | false;
type Props = Record<string, string | boolean | number | ((e: Event) => void) | undefined>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === false) continue;
    if (typeof value === "function") {
      el.addEventListener(name.replace(/^on/, ""), value);
    } else if (name === "value" && "value" in el) {
      (el as HTMLInputElement).value = String(value);
    } else {
      el.setAttribute(name === "className" ? "class" : name, value === true ? "" : String(value));
    }
  }
  append(el, ...children);
  return el;
}

export function append(el: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
  }
}

export function replace(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, ...children);
}

let fields = 0;

/** A visible label tied to its input by id: the input's accessible name is exactly `text`. */
export function field(text: string, input: HTMLInputElement): HTMLElement {
  input.id ||= `field-${++fields}`;
  return h("div", { className: "field" }, h("label", { for: input.id }, text), input);
}
