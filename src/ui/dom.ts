/** Two small helpers the staff pages build their DOM with. */

/** The page's element with this id; a page without it is a broken build, so this throws. */
export function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`The page is missing #${id}`);
  return found as T;
}

export interface MakeOptions {
  className?: string;
  text?: string;
  attrs?: Record<string, string>;
}

/** `make('button', { text: 'Revoke', attrs: { type: 'button' } })` */
export function make<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  options: MakeOptions = {},
  children: Array<Node | string> = [],
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (options.className) node.className = options.className;
  if (options.text !== undefined) node.textContent = options.text;
  for (const [name, value] of Object.entries(options.attrs ?? {})) node.setAttribute(name, value);
  node.append(...children);
  return node;
}
