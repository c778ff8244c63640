import { join, resolve } from "node:path";
import type { Page } from "playwright-core";

/**
 * Where a console test's screenshot goes: README's pictures (docs/images) only when asked
 * (`npm run screenshots` sets BIFROST_SCREENSHOTS), so a test run does not rewrite files in the
 * work tree; else `scratchDir` (the test database's directory).
 */
export function screenshotPath(name: string, scratchDir: string): string {
  return join(process.env.BIFROST_SCREENSHOTS ? resolve(process.env.BIFROST_SCREENSHOTS) : scratchDir, name);
}

/** Closes the console's toasts, so a picture shows the page and not the last confirmations. */
export async function dismissToasts(page: Page): Promise<void> {
  while ((await page.locator(".toast").count()) > 0) await page.locator(".toast button").first().click();
}
