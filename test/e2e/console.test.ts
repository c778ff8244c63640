import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GLOBAL_SCOPE } from "../../src/orgs/index.ts";
import { overflowing, launchChromium, navigate, openPage, recordResponses, VIEWPORTS } from "../support/browser.ts";
import { findLeaks, makeSecret, needlesFor, type Haystack } from "../support/leak-search.ts";
import { dismissToasts, screenshotPath } from "../support/screenshots.ts";
import { startTestPlatform, type TestPlatform } from "../support/test-platform.ts";

// The web console in Debian's Chromium, driven through playwright-core, against the real platform
// (API, worker, database of the provider under test). The steps run in order on one page, at
// desktop and phone widths (one platform each).

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

describe.each(VIEWPORTS)("at $name width", (viewport) => {
  const screenshot = (name: string) => screenshotPath(name, t.db.dir);
  const desktop = viewport.name === "desktop";

  let t: TestPlatform;
  let page: Page;
  /** Every response body the page received (API calls, documents, scripts). */
  const received: Promise<Haystack>[] = [];
  const secret = makeSecret("console secret");
  const newSecret = makeSecret("console secret, edited");
  const workflowSecret = makeSecret("workflow secret");

  beforeAll(async () => {
    t = await startTestPlatform({ worker: true });
    await t.platform.orgs.create("acme", "test");
    await t.platform.configs.set(
      GLOBAL_SCOPE,
      "api_secret",
      { type: "secret", value: workflowSecret.plaintext },
      "test",
    );
    page = await openPage(browser, viewport);
    recordResponses(page, received);
  }, 60_000);
  afterAll(async () => {
    await page?.close();
    await t?.close();
  });

  const row = (key: string) => page.locator(`tr[data-key="${key}"]`);
  const dialog = () => page.getByRole("dialog");

  async function addConfig(key: string, type: string, fill: () => Promise<void>) {
    await page.getByRole("button", { name: "+ Add Config" }).click();
    await dialog().getByLabel("Key").fill(key);
    await dialog().getByLabel("Type").selectOption(type);
    await fill();
    await dialog().getByRole("button", { name: "Add config" }).click();
  }

  async function leaksSoFar(): Promise<unknown[]> {
    const haystacks = [...(await Promise.all(received)), { where: "DOM", content: await page.content() }];
    if (!desktop) expect(await overflowing(page)).toEqual([]);
    return findLeaks(haystacks, [...needlesFor(secret), ...needlesFor(newSecret), ...needlesFor(workflowSecret)]);
  }

  describe("web console", () => {
    it("signs in with a token and lands on Settings → Configuration", async () => {
      await page.goto(t.url);
      await expect.poll(() => page.url()).toContain("/sign-in");
      await page.getByLabel("API token").fill("bft_not-a-real-token");
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByText("That token is not valid").waitFor();
      await page.getByLabel("API token").fill(t.adminToken);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("heading", { name: "Configuration" }).waitFor();
      // Evaluated in the page (a string, as this file is type-checked for Node, not the DOM).
      expect(await page.evaluate('sessionStorage.getItem("bifrost.token")')).toBe(t.adminToken);
      expect(await page.evaluate("localStorage.length")).toBe(0);
    });

    it("adds one config of each type, with an input that fits the type", async () => {
      await addConfig("region", "string", async () => {
        await dialog().getByLabel("Value").fill("eu-west");
        await dialog().getByLabel("Description").fill("Where customer data lives");
      });
      await row("region").waitFor();
      await addConfig("max_retries", "int", () => dialog().getByLabel("Value").fill("3"));
      await row("max_retries").waitFor();
      await addConfig("dry_run", "bool", () => dialog().getByRole("switch").check());
      await row("dry_run").waitFor();
      await addConfig("plans", "json", async () => {
        await dialog().getByLabel("Value").fill('{"gold": ');
        await dialog().getByText("Not valid JSON yet").waitFor();
        expect(await dialog().getByRole("button", { name: "Add config" }).isDisabled()).toBe(true);
        await dialog().getByLabel("Value").fill('{"gold": [1, 2]}');
      });
      await row("plans").waitFor();
      await addConfig("stripe_api_key", "secret", async () => {
        expect(await dialog().getByLabel("Value").getAttribute("type")).toBe("password");
        await dialog().getByLabel("Value").fill(secret.plaintext);
        await dialog().getByLabel("Description").fill("Stripe live key");
      });
      await row("stripe_api_key").waitFor();

      expect(await row("region").locator("td").nth(1).innerText()).toBe("eu-west");
      expect(await row("max_retries").locator("td").nth(1).innerText()).toBe("3");
      expect(await row("dry_run").locator("td").nth(1).innerText()).toBe("true");
      expect(await row("plans").locator("td").nth(1).innerText()).toBe('{"gold":[1,2]}');
      expect(await row("stripe_api_key").locator("td").nth(1).innerText()).toBe("••••••");
      expect((await t.platform.configs.getEffective(GLOBAL_SCOPE, "max_retries")).value).toBe(3);
    });

    it("shows the server's refusal of a bad int next to the value field", async () => {
      await addConfig("bad_int", "int", () => dialog().getByLabel("Value").fill("1.5"));
      const error = dialog().locator("#value-error");
      await error.waitFor();
      expect(await error.innerText()).toContain("expected an integer");
      expect(await dialog().getByLabel("Value").getAttribute("aria-describedby")).toContain("value-error");
      await dialog().getByRole("button", { name: "Cancel" }).click();
      expect(await row("bad_int").count()).toBe(0);
    });

    it("never sends a secret's value to the browser, and editing asks for a whole new one", async () => {
      expect(await leaksSoFar()).toEqual([]);
      await row("stripe_api_key").getByRole("button", { name: "Edit stripe_api_key" }).click();
      const field = dialog().getByLabel("New value");
      expect(await field.inputValue()).toBe("");
      expect(await field.getAttribute("type")).toBe("password");
      await field.fill(newSecret.plaintext);
      // The add's "Saved stripe_api_key." may still show: wait for this save's answer.
      const saved = page.waitForResponse(
        (r) => r.request().method() === "PUT" && r.url().includes("/api/configs/stripe_api_key"),
      );
      await dialog().getByRole("button", { name: "Save" }).click();
      expect((await saved).status()).toBe(200);
      expect((await t.platform.configs.resolve(GLOBAL_SCOPE, "stripe_api_key", { actor: "test" })).value).toBe(
        newSecret.plaintext,
      );
      expect(await leaksSoFar()).toEqual([]);
    });

    it("shows an org's effective values; an override changes the view, deleting it brings the global value back", async () => {
      await dismissToasts(page);
      if (desktop) await page.screenshot({ path: screenshot("configuration.png"), fullPage: true });
      await page.getByLabel("Scope").selectOption({ label: "acme (effective)" });
      await row("max_retries").getByText("Global", { exact: true }).waitFor();
      await row("max_retries").getByRole("button", { name: "Override max_retries in acme" }).click();
      expect(await dialog().getByLabel("Key").inputValue()).toBe("max_retries");
      await dialog().getByLabel("Value").fill("5");
      await dialog().getByRole("button", { name: "Add config" }).click();
      await row("max_retries").getByText("Org override").waitFor();
      expect(await row("max_retries").locator("td").nth(1).innerText()).toBe("5");

      await row("max_retries").getByRole("button", { name: "Delete max_retries" }).click();
      expect(await dialog().innerText()).toContain("The global value will take over for acme.");
      await dialog().getByRole("button", { name: "Delete", exact: true }).click();
      await row("max_retries").getByText("Global", { exact: true }).waitFor();
      expect(await row("max_retries").locator("td").nth(1).innerText()).toBe("3");
    });

    it("runs a workflow from a form built from its params and shows its scrubbed logs", async () => {
      await navigate(page, "Executions");
      await page.getByRole("button", { name: "Run workflow" }).click();
      await dialog().getByLabel("Workflow").selectOption("leak_everything");
      await dialog().getByLabel("Run for").selectOption({ label: "acme" });
      await dialog().getByLabel(/^mode/).selectOption({ label: "return" });
      await dialog().getByRole("button", { name: "Run" }).click();
      await page.getByRole("heading", { name: /leak_everything/ }).waitFor();
      await page.locator(".status-success").waitFor({ timeout: 20_000 });
      const logs = await page.getByRole("table", { name: "Logs" }).innerText();
      expect(logs).toContain("plain [REDACTED]");
      await dismissToasts(page);
      if (desktop) await page.screenshot({ path: screenshot("execution.png"), fullPage: true });
      expect(await leaksSoFar()).toEqual([]);

      await navigate(page, "Executions");
      await page.getByRole("table", { name: "Executions" }).getByText("leak_everything").first().waitFor();
    });

    it("cancels a running execution from its page", async () => {
      await page.getByRole("button", { name: "Run workflow" }).click();
      await dialog().getByLabel("Workflow").selectOption("wait_for_cancel");
      await dialog().getByRole("button", { name: "Run" }).click();
      await page.locator(".status-running").waitFor({ timeout: 20_000 });
      await page.getByRole("button", { name: "Cancel", exact: true }).click();
      await dialog().getByRole("button", { name: "Cancel run" }).click();
      await page.locator(".status-cancelled").waitFor();
      expect(await page.getByRole("table", { name: "Logs" }).innerText()).toContain("waiting to be cancelled");
    });

    it("lists the audit log without values", async () => {
      await navigate(page, "Audit");
      await page.getByLabel("Action").selectOption("secret.read");
      const table = page.getByRole("table", { name: "Audit log" });
      await table.getByText("workflow:leak_everything").first().waitFor();
      expect(await leaksSoFar()).toEqual([]);
    });

    it("finds audit rows by a part of a key and a date range", async () => {
      await page.getByLabel("Action").selectOption("");
      await page.getByLabel("Key").fill("Stripe");
      await page.getByLabel("Key").press("Enter");
      const table = page.getByRole("table", { name: "Audit log" });
      await expect.poll(async () => (await table.locator("tbody tr").allInnerTexts()).length).toBeGreaterThan(0);
      await expect
        .poll(async () =>
          (await table.locator("tbody tr").allInnerTexts()).every((row) => row.includes("stripe_api_key")),
        )
        .toBe(true);
      // A range that ended yesterday holds none of today's rows.
      const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
      await page.getByLabel("To").fill(yesterday);
      await page.getByText("Nothing recorded for these filters.").waitFor();
      await page.getByLabel("To").fill("");
      await table.locator("tbody tr").first().waitFor();
      expect(await leaksSoFar()).toEqual([]);
    });

    it("shows the audit log a page at a time, with 'Load more' until the last", async () => {
      await t.platform.db.prisma.auditEvent.createMany({
        data: Array.from({ length: 110 }, (_, i) => ({
          actor: "test",
          action: "config.set",
          scope: "global",
          key: `paged_${i}`,
          at: new Date(Date.now() - 60_000 - i * 1000),
        })),
      });
      await page.getByLabel("Key").fill("paged_");
      await page.getByLabel("Key").press("Enter");
      const rows = page.getByRole("table", { name: "Audit log" }).locator("tbody tr");
      await expect.poll(() => rows.count()).toBe(100);
      await page.getByRole("button", { name: "Load more" }).click();
      await expect.poll(() => rows.count()).toBe(110);
      expect(await page.getByRole("button", { name: "Load more" }).count()).toBe(0);
      expect(await leaksSoFar()).toEqual([]);
    });

    it("keeps an org member to their own org", async () => {
      const otherToken = await t.orgToken("other-org");
      const acme = (await t.platform.orgs.find("acme"))!;
      await page.getByRole("button", { name: "Sign out" }).click();
      await page.getByLabel("API token").fill(otherToken);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("heading", { name: "Configuration" }).waitFor();
      expect(await page.getByText("Org: other-org").count()).toBe(1);
      const options = await page.getByLabel("Scope").locator("option").allInnerTexts();
      expect(options).toEqual(["other-org (effective)"]);

      const denied = page.waitForResponse((r) => r.url().includes(`/api/configs?scope=${acme.id}`));
      await page.goto(`${t.url}/settings/configuration?scope=${acme.id}`);
      expect((await denied).status()).toBe(403);
      await page.getByRole("alert").getByText("another org").waitFor();
      expect(await page.locator("tr[data-key]").count()).toBe(0);
      expect(await page.getByRole("button", { name: "Queues" }).count()).toBe(0);
    });
  });

  // Not about width: once is enough.
  describe.runIf(desktop)("around the console", () => {
    it("serves the OpenAPI document, and the queue dashboard to admins only", async () => {
      const doc = (await (await fetch(`${t.url}/api/openapi.json`)).json()) as {
        openapi: string;
        paths: Record<string, unknown>;
      };
      expect(doc.openapi).toBe("3.1.0");
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining(["/api/configs/{key}", "/api/workflows/{name}/executions", "/api/import"]),
      );
      expect((await fetch(`${t.url}/admin/queues`)).status).toBe(401);
      expect(
        (await fetch(`${t.url}/admin/queues`, { headers: { authorization: `Bearer ${await t.orgToken("q-org")}` } }))
          .status,
      ).toBe(403);
      const board = await fetch(`${t.url}/admin/queues`, { headers: { authorization: `Bearer ${t.adminToken}` } });
      expect(board.status).toBe(200);
      expect(await board.text()).toContain("Bifrost queues");
      expect((await fetch(`${t.url}/settings/configuration`)).headers.get("content-security-policy")).toContain(
        "default-src 'self'",
      );
    });
  });
});
