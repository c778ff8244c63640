import { randomUUID } from "node:crypto";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GLOBAL_SCOPE } from "../../src/orgs/index.ts";
import {
  overflowing,
  launchChromium,
  navigate,
  openPage,
  recordResponses,
  VIEWPORTS,
  signIn,
} from "../support/browser.ts";
import { findLeaks, makeSecret, needlesFor, type Haystack } from "../support/leak-search.ts";
import { screenshotPath } from "../support/screenshots.ts";
import { startTestPlatform, type TestPlatform } from "../support/test-platform.ts";

// Executions in the console (Chromium, real platform with a worker): run again with the same
// params, cancel behind a confirmation, a cancelled run names who cancelled it instead of an
// AbortError stack, and the list shows the error's first line, trigger, worker and relative times,
// a page at a time. At desktop and phone widths (one platform each).

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

describe.each(VIEWPORTS)("at $name width", (viewport) => {
  let t: TestPlatform;
  let page: Page;
  const received: Promise<Haystack>[] = [];
  const secret = makeSecret("executions secret");

  beforeAll(async () => {
    t = await startTestPlatform({ worker: true });
    await t.platform.orgs.create("acme", "test");
    await t.platform.configs.set(GLOBAL_SCOPE, "api_secret", { type: "secret", value: secret.plaintext }, "test");
    page = await openPage(browser, viewport);
    recordResponses(page, received);
    await signIn(page, t.url, t.adminToken);
  }, 60_000);
  afterAll(async () => {
    await page?.close();
    await t?.close();
  });

  const dialog = () => page.getByRole("dialog");
  const executionId = () => new URL(page.url()).pathname.split("/").pop()!;

  async function expectNoLeaks(): Promise<void> {
    const haystacks = [...(await Promise.all(received)), { where: "DOM", content: await page.content() }];
    expect(findLeaks(haystacks, needlesFor(secret))).toEqual([]);
    if (viewport.name === "phone") expect(await overflowing(page)).toEqual([]);
  }

  describe("executions in the console", () => {
    let first = "";
    it("runs again with the same params and scope", async () => {
      await navigate(page, "Executions");
      await page.getByRole("button", { name: "Run workflow" }).click();
      await dialog().getByLabel("Workflow").selectOption("echo_params");
      await dialog().getByLabel("Run for").selectOption({ label: "acme" });
      await dialog().getByLabel(/^n/).fill("7");
      await dialog().getByRole("button", { name: "Run" }).click();
      await page.getByRole("heading", { name: /echo_params/ }).waitFor();
      first = executionId();
      await page.locator("h1 .status-success").waitFor({ timeout: 20_000 });

      await page.getByRole("button", { name: "Run again" }).click();
      await expect.poll(executionId).not.toBe(first);
      await page.locator("h1 .status-success").waitFor({ timeout: 20_000 });
      const [a, b] = await Promise.all(
        [first, executionId()].map((id) => t.platform.db.prisma.execution.findUniqueOrThrow({ where: { id } })),
      );
      expect(JSON.parse(b!.params)).toEqual(JSON.parse(a!.params));
      expect(b!.scope).toBe(a!.scope);
      expect(b!.trigger).toBe("console");
    });

    it("asks before cancelling, and a cancelled run says who cancelled it instead of a stack", async () => {
      await navigate(page, "Executions");
      await page.getByRole("button", { name: "Run workflow" }).click();
      await dialog().getByLabel("Workflow").selectOption("wait_for_cancel");
      await dialog().getByRole("button", { name: "Run" }).click();
      await page.locator("h1 .status-running").waitFor({ timeout: 20_000 });

      await page.getByRole("button", { name: "Cancel", exact: true }).click();
      await dialog().getByRole("heading", { name: "Cancel this run?" }).waitFor();
      await dialog().getByRole("button", { name: "Keep running" }).click();
      expect(await page.locator("h1 .status-running").count()).toBe(1);

      await page.getByRole("button", { name: "Cancel", exact: true }).click();
      await dialog().getByRole("button", { name: "Cancel run" }).click();
      await page.locator("h1 .status-cancelled").waitFor();
      const view = await t.api(t.adminToken)("GET", `/api/executions/${executionId()}`);
      expect(view.body.cancelledBy).toBeTruthy();
      expect(await page.locator(".cancelled-note").innerText()).toContain(`Cancelled by ${view.body.cancelledBy}`);
      expect(await page.locator("main").innerText()).not.toContain("AbortError");
    });

    it("the list shows the error's first line, who cancelled, trigger, worker, and relative times with the absolute one on hover", async () => {
      await t.api(t.adminToken)("POST", "/api/workflows/leak_everything/executions?wait=20000", {
        params: { mode: "throw" },
      });
      await navigate(page, "Executions");
      const table = page.getByRole("table", { name: "Executions" });
      const failed = table.locator("tr", { has: page.getByRole("link", { name: "leak_everything" }) });
      await failed.waitFor();
      const line = await failed.locator(".error-line").innerText();
      expect(line.length).toBeGreaterThan(0);
      expect(line).not.toContain("\n");
      expect(line).not.toMatch(/^\s+at /);
      const cancelled = table.locator("tr", { has: page.getByRole("link", { name: "wait_for_cancel" }) });
      expect(await cancelled.locator(".error-line").innerText()).toMatch(/^Cancelled by \S+/);
      const echo = table.locator("tr", { has: page.getByRole("link", { name: "echo_params" }) }).first();
      expect(await echo.innerText()).toContain("console");
      expect(await echo.locator('td[data-label="Worker"] code').innerText()).toMatch(/^.+:\d+$/);
      const time = echo.locator("time");
      expect(await time.innerText()).toMatch(/ago|now|sec/);
      expect(await time.getAttribute("title")).toMatch(/\d{4}/);
      if (viewport.name === "desktop")
        await page.screenshot({ path: screenshotPath("executions.png", t.db.dir), fullPage: true });
      await expectNoLeaks();
    });

    it("shows the list a page at a time, with 'Load more' until the last", async () => {
      const at = Date.now() - 3_600_000;
      await t.platform.db.prisma.execution.createMany({
        data: Array.from({ length: 60 }, (_, i) => ({
          id: randomUUID(),
          workflow: "echo_params",
          scope: "global",
          status: "success",
          params: "{}",
          createdBy: "test",
          createdAt: new Date(at - i * 1000),
        })),
      });
      const total = await t.platform.db.prisma.execution.count();
      await page.reload();
      const rows = page.getByRole("table", { name: "Executions" }).locator("tbody tr");
      await expect.poll(() => rows.count()).toBe(50);
      await page.getByRole("button", { name: "Load more" }).click();
      await expect.poll(() => rows.count()).toBe(total);
      expect(await page.getByRole("button", { name: "Load more" }).count()).toBe(0);
      await expectNoLeaks();
    });
  });
});
