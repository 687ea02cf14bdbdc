/**
 * @module ui/focus
 * Where keyboard focus goes when a view changes. Without this, a screen that replaces the
 * focused control leaves focus on the page body, and a keyboard or screen-reader user has to
 * start again from the top of the page.
 */

/** Focuses `root`'s marked control ([data-autofocus]), else its first h1. True when focus moved. */
export function focusInside(root: Element | null | undefined): boolean {
  if (!root) return false;
  const target = root.querySelector<HTMLElement>('[data-autofocus]') ?? root.querySelector<HTMLElement>('h1');
  return focusElement(target);
}

/** Focuses `el`; a heading gets tabindex=-1 first, so it can take focus without entering the Tab order. */
export function focusElement(el: HTMLElement | null | undefined): boolean {
  if (!el || !el.isConnected) return false;
  if (!isFocusable(el) && !el.hasAttribute('tabindex')) el.setAttribute('tabindex', '-1');
  el.focus({ preventScroll: false });
  return document.activeElement === el;
}

/** True when nothing in particular has focus (the focused control was removed, or none was). */
export function focusLost(): boolean {
  const a = document.activeElement;
  return !a || a === document.body || a === document.documentElement;
}

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

function isFocusable(el: HTMLElement): boolean {
  return el.matches(FOCUSABLE);
}

/** The controls inside `root` that Tab reaches, in order (for a modal's focus trap). */
export function tabbables(root: Element): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => el.getClientRects().length > 0);
}
