import { useEffect } from "react";

/**
 * Page-wide keys: `/` focuses the page's search (`data-shortcut="search"`), `n` presses its "new"
 * button (`data-shortcut="new"`). Ignored while typing in a field, with a modifier, or in a dialog.
 */
export function useShortcuts(): void {
  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
      const target = event.target as HTMLElement | null;
      if (target?.closest("input, textarea, select, [contenteditable='true'], dialog[open]")) return;
      if (document.querySelector("dialog[open]")) return;
      const name = event.key === "/" ? "search" : event.key === "n" ? "new" : null;
      const element = name ? document.querySelector<HTMLElement>(`[data-shortcut="${name}"]`) : null;
      if (!element) return;
      event.preventDefault();
      if (name === "search") element.focus();
      else element.click();
    }
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);
}
