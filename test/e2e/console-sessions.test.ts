import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, navigate, VIEWPORTS } from "../support/browser.ts";
import { startTestPlatform, type TestPlatform } from "../support/test-platform.ts";

// Signing in across the tabs of one browser (Chromium, real platform): a link opened in a new tab
// stays signed in through a BroadcastChannel handoff from an open tab; "remember on this device"
// survives every tab closing; signing out in one tab signs out all; never a cookie. At desktop and
// phone widths (one platform each).

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

describe.each(VIEWPORTS)("at $name width", (viewport) => {
  let t: TestPlatform;
  let context: BrowserContext;

  beforeAll(async () => {
    t = await startTestPlatform();
    context = await browser.newContext({ viewport: { width: viewport.width, height: viewport.height } });
  }, 60_000);
  afterAll(async () => {
    await context?.close();
    await t?.close();
  });

  async function signIn(page: Page, remember = false): Promise<void> {
    await page.goto(`${t.url}/sign-in`);
    await page.getByLabel("API token").fill(t.adminToken);
    if (remember) await page.getByLabel("Remember on this device").check();
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Configuration" }).waitFor();
  }

  const stored = (page: Page) =>
    page.evaluate('[sessionStorage.getItem("bifrost.token"), localStorage.getItem("bifrost.token"), document.cookie]');

  describe("sessions across tabs", () => {
    it("a link opened in a new tab is signed in by an open tab; signing out there signs out both", async () => {
      const first = await context.newPage();
      await signIn(first);
      expect(await stored(first)).toEqual([t.adminToken, null, ""]);

      const second = await context.newPage();
      await second.goto(`${t.url}/audit`);
      await second.getByRole("heading", { name: "Audit log" }).waitFor();
      expect(await stored(second)).toEqual([t.adminToken, null, ""]);
      expect((await context.cookies()).map((c) => c.value)).not.toContain(t.adminToken);

      await second.getByRole("button", { name: "Sign out" }).click();
      await second.getByRole("button", { name: "Sign in" }).waitFor();
      await first.waitForURL(/\/sign-in/);
      expect(await stored(first)).toEqual([null, null, ""]);
      await first.close();
      await second.close();
    });

    it("without an open tab, a new tab asks for a token", async () => {
      const alone = await context.newPage();
      await alone.goto(`${t.url}/executions`);
      await alone.waitForURL(/\/sign-in/);
      await alone.close();
    });

    it("'remember on this device' keeps the sign-in after every tab closed, until sign-out", async () => {
      const page = await context.newPage();
      await signIn(page, true);
      expect(await stored(page)).toEqual([t.adminToken, t.adminToken, ""]);
      await page.close();

      const later = await context.newPage();
      await later.goto(`${t.url}/workflows`);
      await later.getByRole("heading", { name: "Workflows" }).waitFor();
      await later.getByRole("button", { name: "Sign out" }).click();
      await later.getByRole("button", { name: "Sign in" }).waitFor();
      expect(await stored(later)).toEqual([null, null, ""]);
      await later.goto(`${t.url}/workflows`);
      await later.waitForURL(/\/sign-in/);
    });
  });

  describe("tokens page", () => {
    it("creates a token shown once, lists it without its value, and revokes it", async () => {
      await t.platform.orgs.create("acme", "test");
      const page = await context.newPage();
      await signIn(page);
      await navigate(page, "Tokens");
      await page.getByRole("heading", { name: "API tokens" }).waitFor();
      await page.getByRole("button", { name: "+ New token" }).click();
      const dialog = page.getByRole("dialog");
      await dialog.getByLabel("Name").fill("bad/name");
      await dialog.getByRole("button", { name: "Create token" }).click();
      expect(await dialog.locator("#token-form-error").innerText()).toMatch(/^A token name holds only letters/);
      await dialog.getByLabel("Name").fill("ci-deploy");
      await dialog.getByLabel("Access").selectOption({ label: "Org acme" });
      await dialog.getByRole("checkbox", { name: "Read-only" }).check();
      await dialog.getByRole("button", { name: "Create token" }).click();
      const shown = dialog.getByLabel("Token");
      await shown.waitFor();
      const token = await shown.inputValue();
      expect(token).toMatch(/^bft_/);
      expect((await t.api(token)("GET", "/api/session")).status).toBe(200);
      await dialog.getByRole("button", { name: "Done" }).click();

      const row = page.locator('tr[data-token="ci-deploy"]');
      await row.waitFor();
      expect(await row.innerText()).toContain("Org acme · read-only");
      expect(await page.content()).not.toContain(token);

      await row.getByRole("button", { name: "Revoke ci-deploy" }).click();
      await dialog.getByRole("button", { name: "Revoke" }).click();
      await row.getByText("revoked").waitFor();
      expect((await t.api(token)("GET", "/api/session")).status).toBe(401);
    });
  });
});
