import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GLOBAL_SCOPE } from "../../src/orgs/index.ts";
import { overflowing, launchChromium, openPage, recordResponses, VIEWPORTS, signIn } from "../support/browser.ts";
import { findLeaks, makeSecret, needlesFor, type Haystack } from "../support/leak-search.ts";
import { screenshotPath } from "../support/screenshots.ts";
import { startTestPlatform, type TestPlatform } from "../support/test-platform.ts";

// The console's states in Chromium against the real platform: empty pages that say what to do,
// form errors in words at their field, toasts that go away, the saved row highlighted, an
// unreachable API as a banner with a retry; and the configuration page at phone width. Each flow runs
// at desktop and phone widths (one platform each); the desktop run also checks the page's change
// when the window narrows to a phone's and widens back.

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

describe.each(VIEWPORTS)("at $name width", (viewport) => {
  const desktop = viewport.name === "desktop";
  let t: TestPlatform;
  let page: Page;
  const received: Promise<Haystack>[] = [];
  const secret = makeSecret("states secret");

  beforeAll(async () => {
    t = await startTestPlatform();
    page = await openPage(browser, viewport);
    recordResponses(page, received);
    await signIn(page, t.url, t.adminToken);
  }, 60_000);
  afterAll(async () => {
    await page?.close();
    await t?.close();
  });

  const dialog = () => page.getByRole("dialog");
  const row = (key: string) => page.locator(`tr[data-key="${key}"]`);

  /** A computed style in the page (this file is type-checked for Node, hence the cast). */
  function styleOf(locator: Locator, property: "display" | "content", pseudo?: string): Promise<string> {
    type Styles = { getComputedStyle(el: unknown, pseudo?: string): Record<string, string> };
    return locator.evaluate(
      (el, [p, ps]) => (globalThis as unknown as Styles).getComputedStyle(el, ps ?? undefined)[p!]!,
      [property, pseudo ?? null] as const,
    );
  }

  async function expectNoLeaks(): Promise<void> {
    const haystacks = [...(await Promise.all(received)), { where: "DOM", content: await page.content() }];
    expect(findLeaks(haystacks, needlesFor(secret))).toEqual([]);
    if (!desktop) expect(await overflowing(page)).toEqual([]);
  }

  describe("console states", () => {
    it("an empty scope says what to do", async () => {
      expect(await page.locator(".empty").innerText()).toContain(
        "No configs in Global yet. Add one with “+ Add Config”",
      );
    });

    it("form errors are words at their field, never raw validation text or a route", async () => {
      await page.getByRole("button", { name: "+ Add Config" }).click();
      await dialog().getByRole("button", { name: "Add config" }).click();
      expect(await dialog().locator("#key-error").innerText()).toBe("Enter a key, e.g. stripe_api_key.");

      await dialog().getByLabel("Key").fill("bad key!");
      await dialog().getByLabel("Value").fill("x");
      await dialog().getByRole("button", { name: "Add config" }).click();
      await dialog().locator("#key-error").getByText("Use letters, digits and _").waitFor();

      await dialog().getByLabel("Key").fill("retries");
      await dialog().getByLabel("Type").selectOption("int");
      await dialog().getByLabel("Value").fill("12abc".replace("abc", ".5"));
      await dialog().getByRole("button", { name: "Add config" }).click();
      expect(await dialog().locator("#value-error").innerText()).toMatch(/^Not accepted as int: expected an integer/);

      await dialog().getByLabel("Value").fill("3");
      await dialog().getByLabel("Description").fill("d".repeat(1001));
      await dialog().getByRole("button", { name: "Add config" }).click();
      expect(await dialog().locator("#description-error").innerText()).toBe(
        "A description is at most 1000 characters.",
      );
      const text = await dialog().innerText();
      for (const raw of ["body.", "Invalid input", "No route", "VALIDATION_ERROR", "HTTP 4"])
        expect(text).not.toContain(raw);
      await dialog().getByRole("button", { name: "Cancel" }).click();
      expect(await t.platform.db.prisma.config.count()).toBe(0);
      if (!desktop) expect(await overflowing(page)).toEqual([]);
    });

    it("a save shows a toast that goes away by itself, and highlights the row it changed", async () => {
      await page.getByRole("button", { name: "+ Add Config" }).click();
      await dialog().getByLabel("Key").fill("region");
      await dialog().getByLabel("Value").fill("eu-west");
      await dialog().getByRole("button", { name: "Add config" }).click();
      const toast = page.locator(".toast", { hasText: "Saved region." });
      await toast.waitFor();
      expect(await row("region").getAttribute("class")).toBe("changed");
      await toast.waitFor({ state: "detached", timeout: 8_000 });
      await expect.poll(() => row("region").getAttribute("class")).toBeNull();
    });

    it("an unreachable API is a banner with a retry that brings the page back", async () => {
      await page.route(`${t.url}/api/**`, (route) => route.abort("connectionrefused"));
      await page.reload();
      const banner = page.locator(".banner");
      await banner.getByText("The Bifrost API cannot be reached").waitFor();
      expect(await page.content()).not.toContain("Failed to fetch");
      await page.unroute(`${t.url}/api/**`);
      await banner.getByRole("button", { name: "Retry" }).click();
      await row("region").waitFor();
      expect(await banner.count()).toBe(0);
      await expectNoLeaks();
    });

    it("narrowed to a phone's width the page does not scroll sideways, tables are cards and the header folds", async () => {
      await t.platform.configs.set(
        GLOBAL_SCOPE,
        "a_rather_long_configuration_key_name_for_phones",
        { type: "json", value: { nested: ["a", "long", "list", "of", "values", "that", "wraps"] } },
        "test",
      );
      await t.platform.configs.set(
        GLOBAL_SCOPE,
        "stripe_api_key",
        { type: "secret", value: secret.plaintext, description: "Stripe live key" },
        "test",
      );
      await page.setViewportSize({ width: 390, height: 844 }); // no-op in the phone run
      await page.reload();
      await row("stripe_api_key").waitFor();
      expect(await overflowing(page)).toEqual([]);
      expect(await styleOf(row("region"), "display")).toBe("block");
      const value = row("region").locator('td[data-label="Value"]');
      expect(await value.innerText()).toBe("eu-west");
      expect(await styleOf(value, "content", "::before")).toBe('"Value"');
      if (!desktop) await page.screenshot({ path: screenshotPath("phone.png", t.db.dir), fullPage: true });

      const audit = page.getByRole("link", { name: "Audit" });
      expect(await audit.isVisible()).toBe(false);
      await page.getByRole("button", { name: "Menu" }).click();
      expect(await page.getByRole("button", { name: "Menu" }).getAttribute("aria-expanded")).toBe("true");
      await audit.click();
      await page.getByRole("heading", { name: "Audit log" }).waitFor();
      expect(await audit.isVisible()).toBe(false);
      expect(await overflowing(page)).toEqual([]);

      await page.goBack();
      await row("region").getByRole("button", { name: "Edit region" }).click();
      expect(await overflowing(page)).toEqual([]);
      await dialog().getByRole("button", { name: "Cancel" }).click();

      await expectNoLeaks();
      if (!desktop) return;
      await page.setViewportSize({ width: 1280, height: 860 });
      expect(await styleOf(row("region"), "display")).toBe("table-row");
      expect(await page.getByRole("link", { name: "Audit" }).isVisible()).toBe(true);
    });

    it("follows the system's dark mode, and `/` focuses search while `n` opens a new config", async () => {
      const background = () => page.evaluate("getComputedStyle(document.documentElement).backgroundColor");
      const light = await background();
      await page.emulateMedia({ colorScheme: "dark" });
      expect(await background()).toBe("rgb(15, 20, 32)");
      await page.emulateMedia({ colorScheme: "light" });
      expect(await background()).toBe(light);

      // The shortcuts are for a keyboard: a phone's on-screen one types into a field, so `/` and `n`
      // are checked at desktop width only.
      if (!desktop) return;
      await page.locator("h1").click();
      await page.keyboard.press("/");
      expect(await page.evaluate("document.activeElement.id")).toBe("key-search");
      await page.keyboard.type("n");
      expect(await page.getByRole("dialog").count()).toBe(0);
      await page.locator("#key-search").fill("");
      await page.locator("h1").click();
      await page.keyboard.press("n");
      await dialog().getByRole("heading", { name: "Add config" }).waitFor();
      expect(await page.evaluate("document.activeElement.id")).toBe("config-key");
      await dialog().getByRole("button", { name: "Cancel" }).click();
    });
  });
});
