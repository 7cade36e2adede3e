// Building DOM from data. Every string becomes a text node: draft text is never parsed as HTML.
type Child = Node | string | number | null | undefined | false;

export interface Props {
  class?: string;
  /** Only plain attributes; event handlers go through `on`. */
  attrs?: Record<string, string>;
  on?: Partial<{ [K in keyof HTMLElementEventMap]: (event: HTMLElementEventMap[K]) => void }>;
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (props?.class !== undefined) element.className = props.class;
  for (const [name, value] of Object.entries(props?.attrs ?? {})) element.setAttribute(name, value);
  for (const [type, listener] of Object.entries(props?.on ?? {}))
    element.addEventListener(type, listener as EventListener);
  append(element, ...children);
  return element;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

export function replace(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, ...children);
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`the page has no #${id}`);
  return element as T;
}

/** A small label in a given tone, for levels, statuses and verdicts. */
export const badge = (text: string, tone: string) => h('span', { class: `badge badge-${tone}` }, text);

export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? iso
    : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** A message that stands in for content: loading, empty, or an error with what to do. */
export function notice(kind: 'loading' | 'empty' | 'error', title: string, detail?: string, action?: Node) {
  return h(
    'div',
    { class: `notice notice-${kind}`, attrs: { role: kind === 'error' ? 'alert' : 'status' } },
    kind === 'loading' ? h('span', { class: 'spinner', attrs: { 'aria-hidden': 'true' } }) : null,
    h('p', { class: 'notice-title' }, title),
    detail !== undefined ? h('p', { class: 'notice-detail' }, detail) : null,
    action ?? null,
  );
}
