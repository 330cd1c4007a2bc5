/** A few DOM helpers: elements from a tag, attributes and children; text is always set as text, never parsed. */

type Child = Node | string | null | undefined | false;

/**
 * An element `tag` with attributes (`class`, `data-*`, `aria-*`, …; `false`/`undefined` values are left
 * out) and children (strings become text nodes).
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Readonly<Record<string, string | number | boolean | undefined>> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return element;
}

/** A figure holding SVG markup that molap itself generated (`plotTrial`, `renderSvg`): nothing from a file. */
export function svgFigure(svg: string, className: string): HTMLElement {
  const figure = h('figure', { class: className });
  figure.innerHTML = svg;
  return figure;
}

/** A message box: `kind` 'error' for a problem the user can fix, 'note' otherwise. */
export function message(kind: 'error' | 'note', text: string, hint?: string): HTMLElement {
  return h(
    'p',
    { class: `message ${kind}`, role: kind === 'error' ? 'alert' : 'status' },
    text,
    hint ? h('br') : null,
    hint ? h('span', { class: 'hint' }, hint) : null,
  );
}
