import { chromium, type Browser, type Page } from "playwright-core";
import type { Haystack } from "./leak-search.ts";

/** Debian's Chromium (playwright-core cannot download one here); BIFROST_TEST_CHROMIUM overrides. */
const CHROMIUM = process.env.BIFROST_TEST_CHROMIUM ?? "/usr/bin/chromium";

/** A headless Chromium as every console test drives it. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
    ],
  });
}

/** Keeps every answer `page` receives (method, URL and body), for the leak search. */
export function recordResponses(page: Page, into: Promise<Haystack>[]): void {
  page.on("response", (response) => {
    into.push(
      response.text().then(
        (content) => ({ where: `${response.request().method()} ${response.url()}`, content }),
        () => ({ where: response.url(), content: "" }),
      ),
    );
  });
}

/** The widths every console flow runs at: a laptop, and a phone (390x844, as the issue measured). */
export const VIEWPORTS = [
  { name: "desktop", width: 1280, height: 900 },
  { name: "phone", width: 390, height: 844 },
] as const;
export type Viewport = (typeof VIEWPORTS)[number];

/** A new page of `browser` at `viewport`'s size. */
export function openPage(browser: Browser, viewport: Viewport): Promise<Page> {
  return browser.newPage({ viewport: { width: viewport.width, height: viewport.height } });
}

/** Signs in on the console at `url` with `token` and waits for the page it lands on. */
export async function signIn(page: Page, url: string, token: string): Promise<void> {
  await page.goto(`${url}/sign-in`);
  await page.getByLabel("API token").fill(token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Configuration" }).waitFor();
}

/** Follows a link of the header's navigation; at phone width that folds behind a Menu button, opened first. */
export async function navigate(page: Page, name: string): Promise<void> {
  const menu = page.getByRole("button", { name: "Menu" });
  if (await menu.isVisible()) await menu.click();
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name, exact: true }).click();
}

/**
 * What makes the page scroll sideways: the elements that reach past its width outside any box that
 * scrolls or clips them (tag, id, classes), none when it fits.
 */
export function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(`(() => {
    const root = document.documentElement;
    if (root.scrollWidth <= root.clientWidth) return [];
    const clipped = (el) => {
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement)
        if (getComputedStyle(p).overflowX !== "visible") return true;
      return false;
    };
    const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + [...el.classList].map((c) => "." + c).join("");
    const right = (node) => {
      if (node.nodeType === 1) return node.getBoundingClientRect().right;
      const range = document.createRange();
      range.selectNodeContents(node);
      return range.getBoundingClientRect().right;
    };
    // Text runs too: a long word spills out of a box that itself fits.
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    const past = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode())
      if (right(node) > root.clientWidth + 0.5) past.push(node.nodeType === 1 ? node : node.parentElement);
    const causes = past.filter((el) => !clipped(el)).map(name).slice(0, 8);
    return causes.length ? causes : ["scrollWidth " + root.scrollWidth + " > " + root.clientWidth + ": " + past.map(name).slice(0, 8).join(" ")];
  })()`) as Promise<string[]>;
}
