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
