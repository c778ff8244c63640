import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { overflowing, launchChromium, openPage, VIEWPORTS, signIn } from "../support/browser.ts";
import { startTestPlatform, type TestPlatform } from "../support/test-platform.ts";
import { screenshotPath } from "../support/screenshots.ts";

// The execution page of the web console (Debian's Chromium through playwright-core) against the
// real platform with an in-process worker: lines show as the run writes them (Server-Sent Events
// read with fetch and the tab's token), the elapsed time ticks, and the end shows without a reload.
// At desktop and phone widths (one platform each).

const FIXTURES = fileURLToPath(new URL("../fixtures/workflows-live-logs/", import.meta.url));

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

describe.each(VIEWPORTS)("at $name width", (viewport) => {
  let t: TestPlatform;
  let page: Page;
  const streams: string[] = [];

  beforeAll(async () => {
    t = await startTestPlatform({ worker: true, workflowsDir: FIXTURES });
    page = await openPage(browser, viewport);
    page.on("request", (request) => {
      if (request.url().endsWith("/events"))
        streams.push(
          `${request.headers()["authorization"] ? "token" : "no token"} last-event-id=${request.headers()["last-event-id"]}`,
        );
    });
  }, 60_000);
  afterAll(async () => {
    await page?.close();
    await t?.close();
  });

  describe("the execution page", () => {
    it("shows a running execution's lines as they come, its elapsed time ticking, then its end", async () => {
      await signIn(page, t.url, t.adminToken);

      const gate = join(t.db.dir, `gate-${randomBytes(4).toString("hex")}`);
      const started = await t.api(t.adminToken)("POST", "/api/workflows/log_then_wait/executions", {
        params: { lines: 3, gate, after: 2 },
      });
      const id = started.body.id as string;
      await page.goto(`${t.url}/executions/${id}`);
      const logs = page.getByRole("table", { name: "Logs" });
      await logs.locator("tbody tr").nth(2).waitFor();
      expect(await logs.locator("tbody td code").allInnerTexts()).toEqual(["line 1", "line 2", "line 3"]);
      await page.locator(".status-running").waitFor();
      await page.getByLabel("Live").waitFor();

      if (viewport.name === "desktop")
        await page.screenshot({ path: screenshotPath("execution-live.png", t.db.dir), fullPage: true });
      else expect(await overflowing(page)).toEqual([]);

      // Elapsed time ticks while it runs.
      const elapsed = page.getByLabel("Elapsed");
      const before = await elapsed.innerText();
      expect(before).toMatch(/^\d+ s$/);
      await page.waitForFunction(
        (text) => (globalThis as any).document.querySelector('[aria-label="Elapsed"]')?.textContent !== text,
        before,
      );

      // The run goes on: new lines show without a reload, then its end and result.
      writeFileSync(gate, "");
      await logs.locator("tbody tr").nth(4).waitFor();
      expect(await logs.locator("tbody td code").allInnerTexts()).toEqual([
        "line 1",
        "line 2",
        "line 3",
        "after gate 1",
        "after gate 2",
      ]);
      await page.locator(".status-success").waitFor({ timeout: 10_000 });
      await page.getByRole("heading", { name: "Result" }).waitFor();
      expect(await page.getByLabel("Elapsed").count()).toBe(0);
      // The stream was read with the tab's token, starting after the lines the page had read.
      expect(streams.length).toBeGreaterThan(0);
      expect(streams[0]).toMatch(/^token last-event-id=\d+$/);
    });
  });
});
