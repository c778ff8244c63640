import { readFileSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GLOBAL_SCOPE } from "../../src/orgs/index.ts";
import { overflowing, launchChromium, openPage, recordResponses, VIEWPORTS, signIn } from "../support/browser.ts";
import { findLeaks, makeSecret, needlesFor, type Haystack } from "../support/leak-search.ts";
import { dismissToasts, screenshotPath } from "../support/screenshots.ts";
import { startTestPlatform, type TestPlatform } from "../support/test-platform.ts";

// The configuration page's editing rules in Chromium against the real platform: adding never
// overwrites, type changes are warned about, a secret's description changes without its value,
// and scopes can be compared. One page, steps in order, at desktop and phone widths (one platform each).

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

describe.each(VIEWPORTS)("at $name width", (viewport) => {
  let t: TestPlatform;
  let page: Page;
  const received: Promise<Haystack>[] = [];
  const apiSecret = makeSecret("api secret");
  const acmeSecret = makeSecret("acme secret");
  const oldToken = makeSecret("old token");
  const importedSecret = makeSecret("imported secret");

  beforeAll(async () => {
    t = await startTestPlatform();
    const acme = await t.platform.orgs.create("acme", "test");
    await t.platform.orgs.create("beta", "test");
    const acmeScope = await t.platform.orgs.resolveScope(acme.id);
    await t.platform.configs.set(
      GLOBAL_SCOPE,
      "max_retries",
      { type: "int", value: 3, description: "Retries" },
      "test",
    );
    await t.platform.configs.set(acmeScope, "max_retries", { type: "int", value: 5 }, "test");
    await t.platform.configs.set(
      GLOBAL_SCOPE,
      "region",
      { type: "string", value: "eu", description: "Data region" },
      "test",
    );
    await t.platform.configs.set(
      GLOBAL_SCOPE,
      "api_key",
      { type: "secret", value: apiSecret.plaintext, description: "Partner key" },
      "test",
    );
    await t.platform.configs.set(acmeScope, "api_key", { type: "secret", value: acmeSecret.plaintext }, "test");
    await t.platform.configs.set(GLOBAL_SCOPE, "old_token", { type: "secret", value: oldToken.plaintext }, "test");
    page = await openPage(browser, viewport);
    recordResponses(page, received);
    await signIn(page, t.url, t.adminToken);
  }, 60_000);
  afterAll(async () => {
    await page?.close();
    await t?.close();
  });

  const row = (key: string) => page.locator(`tr[data-key="${key}"]`);
  const dialog = () => page.getByRole("dialog");
  const focusedId = () => page.evaluate("document.activeElement && document.activeElement.id");

  async function expectNoLeaks(): Promise<void> {
    const haystacks = [...(await Promise.all(received)), { where: "DOM", content: await page.content() }];
    expect(
      findLeaks(haystacks, [
        ...needlesFor(apiSecret),
        ...needlesFor(acmeSecret),
        ...needlesFor(oldToken),
        ...needlesFor(importedSecret),
      ]),
    ).toEqual([]);
    if (viewport.name === "phone") expect(await overflowing(page)).toEqual([]);
  }

  describe("configuration page: editing", () => {
    it("adding a key that exists is a conflict offered as 'edit instead', and nothing is overwritten", async () => {
      await page.getByRole("button", { name: "+ Add Config" }).click();
      await dialog().getByLabel("Key").fill("Max-Retries");
      await dialog().getByLabel("Value").fill("9");
      await dialog().getByRole("button", { name: "Add config" }).click();
      const error = dialog().locator("#key-error");
      await error.waitFor();
      expect(await error.innerText()).toContain("exists in this scope — edit it instead");
      expect((await t.platform.configs.getEffective(GLOBAL_SCOPE, "max_retries")).description).toBe("Retries");

      await dialog().getByRole("button", { name: "Edit the existing Max-Retries" }).click();
      await dialog().getByRole("heading", { name: "Edit max_retries" }).waitFor();
      expect(await dialog().getByLabel("Value").inputValue()).toBe("3");
      expect(await dialog().getByLabel("Description").inputValue()).toBe("Retries");
      await dialog().getByRole("button", { name: "Cancel" }).click();
      expect((await t.platform.configs.getEffective(GLOBAL_SCOPE, "max_retries")).value).toBe(3);
    });

    it("warns on a type change, and asks to confirm turning a secret into a plain value", async () => {
      await row("max_retries").getByRole("button", { name: "Edit max_retries" }).click();
      await dialog().getByLabel("Type").selectOption("string");
      expect(await dialog().locator("#type-help").innerText()).toContain("Changing the type from int to string");
      await dialog().getByRole("button", { name: "Cancel" }).click();

      await row("old_token").getByRole("button", { name: "Edit old_token" }).click();
      await dialog().getByLabel("Type").selectOption("string");
      await dialog().locator("#type-help").waitFor();
      await dialog().getByLabel("Value").fill("now plain");
      const save = dialog().getByRole("button", { name: "Save" });
      expect(await save.isDisabled()).toBe(true);
      await dialog()
        .getByRole("checkbox", { name: /store it as a plain string/ })
        .check();
      await save.click();
      await page.getByText("Saved old_token.").waitFor();
      await row("old_token").getByText("string").waitFor();
      expect((await t.platform.configs.getEffective(GLOBAL_SCOPE, "old_token")).value).toBe("now plain");
    });

    it("changes a secret's description without its value, focusing the value and saying when it last changed", async () => {
      const before = await t.platform.db.prisma.config.findFirstOrThrow({ where: { key: "api_key", scope: "global" } });
      await row("api_key").getByRole("button", { name: "Edit api_key" }).click();
      await dialog().getByLabel("New value").waitFor();
      expect(await focusedId()).toBe("config-value");
      expect(await dialog().innerText()).toMatch(/Value last changed .+ by test/);
      expect(await dialog().getByLabel("New value").inputValue()).toBe("");
      await dialog().getByLabel("Description").fill("Partner key (rotated yearly)");
      await dialog().getByRole("button", { name: "Save" }).click();
      await page.getByText("Saved api_key.").waitFor();
      await row("api_key").getByText("Partner key (rotated yearly)").waitFor();
      const after = await t.platform.db.prisma.config.findFirstOrThrow({ where: { key: "api_key", scope: "global" } });
      expect(after.encrypted).toBe(before.encrypted);
      expect((await t.platform.configs.resolve(GLOBAL_SCOPE, "api_key", { actor: "test" })).value).toBe(
        apiSecret.plaintext,
      );
      await expectNoLeaks();
    });
  });

  describe("configuration page: comparing scopes", () => {
    it("the global view says which orgs override a key", async () => {
      expect(await row("max_retries").innerText()).toContain("overridden in acme");
      expect(await row("region").innerText()).not.toContain("overridden");
    });

    it("an org's override shows the global value it hides; a secret only as set", async () => {
      await page.getByLabel("Scope", { exact: true }).selectOption({ label: "acme (effective)" });
      await row("max_retries").getByText("Org override").waitFor();
      expect(await row("max_retries").locator(".shadowed").innerText()).toBe("hides global: 3");
      expect(await row("api_key").locator(".shadowed").innerText()).toBe("hides global: secret (set)");
      await expectNoLeaks();
    });

    it("the Override dialog names the org, prefills type and description, and focuses the value", async () => {
      await row("region").getByRole("button", { name: "Override region in acme" }).click();
      await dialog().getByRole("heading", { name: "Override region in acme" }).waitFor();
      expect(await dialog().getByLabel("Type").inputValue()).toBe("string");
      expect(await dialog().getByLabel("Description").inputValue()).toBe("Data region");
      expect(await dialog().getByLabel("Value").inputValue()).toBe("");
      expect(await focusedId()).toBe("config-value");
      await dialog().getByLabel("Value").fill("ap");
      await dialog().getByRole("button", { name: "Add config" }).click();
      await row("region").getByText("Org override").waitFor();
      expect(await row("region").locator(".shadowed").innerText()).toBe("hides global: eu");
    });

    it("the keys × orgs matrix highlights differences and shows secrets as set or unset, never values", async () => {
      await page.getByRole("button", { name: "Compare orgs" }).click();
      const matrix = page.getByRole("table", { name: "Compare scopes" });
      await matrix.waitFor();
      expect(await matrix.locator("thead th").allInnerTexts()).toEqual(
        ["KEY", "GLOBAL", "ACME", "BETA"].map((h) => expect.stringMatching(new RegExp(h, "i"))),
      );
      const cell = (key: string, scope: string) => matrix.locator(`tr[data-key="${key}"] td[data-scope="${scope}"]`);
      expect(await cell("max_retries", "global").innerText()).toBe("3");
      expect(await cell("max_retries", "acme").innerText()).toBe("5");
      expect(await cell("max_retries", "beta").innerText()).toBe("↳ global");
      expect(await cell("api_key", "global").innerText()).toBe("set");
      expect(await cell("api_key", "acme").innerText()).toBe("set");
      expect(await matrix.locator('tr[data-key="max_retries"]').getAttribute("class")).toBe("differs");
      expect(await matrix.locator('tr[data-key="old_token"]').getAttribute("class")).toBeNull();
      await dismissToasts(page);
      if (viewport.name === "desktop")
        await page.screenshot({ path: screenshotPath("compare.png", t.db.dir), fullPage: true });
      await expectNoLeaks();
    });

    it("shows the matrix a page of orgs at a time, with 'More orgs' for the next", async () => {
      for (let i = 0; i < 50; i++) await t.platform.orgs.create(`zz-${String(i).padStart(3, "0")}`, "test");
      await page.getByRole("button", { name: "Table" }).click();
      await page.getByRole("button", { name: "Compare orgs" }).click();
      const headers = page.getByRole("table", { name: "Compare scopes" }).locator("thead th");
      // Key and Global, then the first 50 orgs by name (acme, beta, zz-000 … zz-047).
      await expect.poll(() => headers.count()).toBe(52);
      expect(await headers.last().innerText()).toMatch(/zz-047/i);
      await page.getByRole("button", { name: "More orgs" }).click();
      await expect.poll(() => headers.count()).toBe(54);
      expect(await headers.last().innerText()).toMatch(/zz-049/i);
      expect(await page.getByRole("button", { name: "More orgs" }).count()).toBe(0);
      await expectNoLeaks();
    });

    it("downloads a scope's portable bundle: values of plain configs, secrets as null", async () => {
      await page.getByRole("button", { name: "Table" }).click();
      const downloading = page.waitForEvent("download");
      await page.getByRole("button", { name: "Download bundle" }).click();
      const download = await downloading;
      expect(download.suggestedFilename()).toBe("bifrost-acme-bundle.json");
      const bundle = JSON.parse(readFileSync((await download.path())!, "utf8"));
      expect(bundle).toMatchObject({ format: "bifrost-ts/bundle", portable: true, orgs: [{ name: "acme" }] });
      const byKey = Object.fromEntries((bundle.configs as { key: string }[]).map((c) => [c.key, c]));
      expect(byKey.max_retries).toMatchObject({ org: "acme", type: "int", value: 5 });
      expect(byKey.api_key).toMatchObject({ org: "acme", type: "secret", value: null });
      expect(byKey.old_token).toBeUndefined();
      await expectNoLeaks();
    });

    it("imports a .env into the scope after a preview, guessing secrets and never showing their values", async () => {
      await page.getByRole("button", { name: "Import…" }).click();
      await dialog()
        .getByLabel("A .env file or a JSON object")
        .fill(`# staging\nMAX_RETRIES=7\nexport FEATURE_FLAG=true\nPARTNER_TOKEN="${importedSecret.plaintext}"\n`);
      const keys = dialog().getByRole("table", { name: "Keys to import" });
      expect(await keys.locator("tbody tr").allInnerTexts()).toHaveLength(3);
      expect(await dialog().getByLabel("Type of MAX_RETRIES").inputValue()).toBe("int");
      expect(await dialog().getByLabel("Type of FEATURE_FLAG").inputValue()).toBe("bool");
      expect(await dialog().getByLabel("Type of PARTNER_TOKEN").inputValue()).toBe("secret");
      expect(await keys.innerText()).toContain("••••••");
      await dialog().getByRole("button", { name: "Preview" }).click();
      expect(await dialog().getByRole("status").innerText()).toBe("2 to create, 1 to update, 0 unchanged.");
      await dialog().getByRole("button", { name: "Import 3 keys" }).click();
      await row("partner_token").waitFor();
      expect(await row("max_retries").locator("td").nth(1).innerText()).toBe("7");
      expect(await row("partner_token").locator("td").nth(1).innerText()).toBe("••••••");
      const acme = (await t.platform.orgs.find("acme"))!;
      const stored = await t.platform.configs.resolve({ kind: "org", org: acme }, "partner_token", { actor: "test" });
      expect(stored.value).toBe(importedSecret.plaintext);
      await expectNoLeaks();
    });
  });
});
