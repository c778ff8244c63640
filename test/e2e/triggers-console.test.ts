import { createHmac } from "node:crypto";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { overflowing, launchChromium, navigate, openPage, VIEWPORTS, signIn } from "../support/browser.ts";
import { findLeaks, needlesOf, type Haystack } from "../support/leak-search.ts";
import { startTestPlatform, type TestPlatform } from "../support/test-platform.ts";

// A workflow's page in the web console (Debian's Chromium through playwright-core) against the
// real platform with an in-process worker: its schedules (create, next and last runs, pause,
// delete) and webhooks (the secret shown once, rotate, delete). The steps run in order on one page,
// at desktop and phone widths (one platform each).

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

describe.each(VIEWPORTS)("at $name width", (viewport) => {
  let t: TestPlatform;
  let page: Page;
  const received: { url: string; body: Promise<string> }[] = [];
  const shownSecrets: string[] = [];

  beforeAll(async () => {
    t = await startTestPlatform({ worker: true, env: { BIFROST_SCHEDULE_MIN_INTERVAL_S: "1" } });
    await t.platform.orgs.create("acme", "test");
    page = await openPage(browser, viewport);
    page.on("response", (response) =>
      received.push({ url: `${response.request().method()} ${response.url()}`, body: response.text().catch(() => "") }),
    );
  }, 60_000);
  afterAll(async () => {
    await page?.close();
    await t?.close();
  });

  const dialog = () => page.getByRole("dialog");
  const schedules = () => page.getByRole("table", { name: "Schedules" });
  const webhooks = () => page.getByRole("table", { name: "Webhooks" });

  function signed(secret: string, id: string, body: string): Record<string, string> {
    const timestamp = Math.floor(Date.now() / 1000);
    const key = Buffer.from(secret.slice("whsec_".length), "base64");
    return {
      "webhook-id": id,
      "webhook-timestamp": String(timestamp),
      "webhook-signature": `v1,${createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64")}`,
    };
  }

  describe("a workflow's page", () => {
    it("lists the workflows and opens one", async () => {
      await signIn(page, t.url, t.adminToken);
      await navigate(page, "Workflows");
      await page.getByRole("table", { name: "Workflows" }).getByRole("link", { name: "echo_params" }).click();
      await page.getByRole("heading", { name: "echo_params" }).waitFor();
      await page.getByText("No schedules: this workflow runs only when asked.").waitFor();
    });

    it("creates a schedule, showing the server's refusal by the field, then its next runs and last runs as it fires", async () => {
      await page.getByRole("button", { name: "+ Add schedule" }).click();
      await dialog().getByLabel("Run for").selectOption({ label: "acme" });
      await dialog().getByLabel("Cron").fill("61 * * * *");
      await dialog().getByLabel("Time zone").fill("UTC");
      await dialog().getByLabel("Params (JSON)").fill('{"n": 3, "tag": "console"}');
      await dialog().getByRole("button", { name: "Create schedule" }).click();
      const cronError = dialog().locator("#schedule-cron-error");
      await cronError.waitFor();
      expect(await cronError.innerText()).toContain("expected range 0-59");
      expect(await dialog().getByLabel("Cron").getAttribute("aria-invalid")).toBe("true");

      await dialog().getByLabel("Cron").fill("*/2 * * * * *");
      await dialog().getByRole("button", { name: "Create schedule" }).click();
      const row = schedules().locator("tr[data-schedule]");
      await row.waitFor();
      expect(await row.locator("th").innerText()).toBe("*/2 * * * * *");
      expect(await row.locator("td").nth(1).innerText()).toBe("acme");
      expect(await row.locator("td").nth(2).innerText()).toBe("enabled");
      expect(await row.locator("td").nth(3).innerText()).not.toBe("—");

      // It fires: a scheduled run of the org shows under recent runs, and as the last run.
      const runs = page.getByRole("table", { name: "Recent scheduled runs" });
      await runs.locator(".status-success").first().waitFor({ timeout: 20_000 });
      expect(await runs.locator("td").first().innerText()).toBe("acme");
      await row.locator("td").nth(4).getByRole("link").waitFor({ timeout: 10_000 });
      const [stored] = await t.platform.db.prisma.schedule.findMany({ where: { workflow: "echo_params" } });
      expect(stored).toMatchObject({ cron: "*/2 * * * * *", params: '{"n":3,"tag":"console"}', enabled: true });
    });

    it("pauses and resumes a schedule, and deletes it after asking", async () => {
      const row = schedules().locator("tr[data-schedule]");
      await row.getByRole("button", { name: "Pause schedule */2 * * * * *" }).click();
      await expect.poll(() => row.locator("td").nth(2).innerText()).toBe("paused");
      await expect.poll(() => row.locator("td").nth(3).innerText()).toBe("—");
      expect(
        (await t.platform.db.prisma.schedule.findFirstOrThrow({ where: { workflow: "echo_params" } })).enabled,
      ).toBe(false);
      await row.getByRole("button", { name: "Resume schedule */2 * * * * *" }).click();
      await expect.poll(() => row.locator("td").nth(2).innerText()).toBe("enabled");

      await row.getByRole("button", { name: "Delete schedule */2 * * * * *" }).click();
      expect(await dialog().innerText()).toContain("stops firing");
      await dialog().getByRole("button", { name: "Delete schedule" }).click();
      await page.getByText("No schedules: this workflow runs only when asked.").waitFor();
      expect(await t.platform.db.prisma.schedule.count()).toBe(0);
    });

    it("creates a webhook whose secret is shown once and signs deliveries that run the workflow", async () => {
      await page.getByRole("button", { name: "+ Add webhook" }).click();
      await dialog().getByLabel("Run for").selectOption({ label: "acme" });
      await dialog().getByLabel("Description").fill("from billing");
      await dialog().getByRole("button", { name: "Create webhook" }).click();
      await dialog().getByText("shown this once").waitFor();
      const url = await dialog().getByLabel("URL").inputValue();
      const secret = await dialog().getByLabel("Signing secret").inputValue();
      shownSecrets.push(secret);
      expect(url).toMatch(new RegExp(`^${t.url}/hooks/wh_[A-Za-z0-9_-]{24}$`));
      expect(secret).toMatch(/^whsec_/);

      const body = JSON.stringify({ n: 9 });
      const delivered = await fetch(url, { method: "POST", headers: signed(secret, "msg_console", body), body });
      expect(delivered.status).toBe(202);
      const { executionId } = (await delivered.json()) as { executionId: string };
      expect((await t.server.executions.waitForEnd(executionId, 20_000)).status).toBe("success");

      await dialog().getByRole("button", { name: "Done, I have copied it" }).click();
      const row = webhooks().locator("tr[data-webhook]");
      await row.waitFor();
      expect(await row.locator("th").innerText()).toBe(url);
      expect(await row.locator("td").nth(1).innerText()).toBe("from billing");
      // Gone from the page once closed, and never sent again.
      expect(await page.content()).not.toContain(secret.slice(6));
      await page.reload();
      await row.waitFor();
      expect(await page.content()).not.toContain(secret.slice(6));
    });

    it("rotates a webhook's secret (shown once again) and deletes the webhook after asking", async () => {
      const row = webhooks().locator("tr[data-webhook]");
      const id = await row.getAttribute("data-webhook");
      await row.getByRole("button", { name: `Rotate the secret of webhook ${id}` }).click();
      const rotated = await dialog().getByLabel("Signing secret").inputValue();
      shownSecrets.push(rotated);
      expect(rotated).not.toBe(shownSecrets[0]);
      await dialog().getByRole("button", { name: "Done, I have copied it" }).click();
      const url = `${t.url}/hooks/${id}`;
      expect(
        (await fetch(url, { method: "POST", headers: signed(shownSecrets[0], "msg_old", "{}"), body: "{}" })).status,
      ).toBe(401);

      await row.getByRole("button", { name: `Delete webhook ${id}` }).click();
      await dialog().getByRole("button", { name: "Delete webhook" }).click();
      await page.getByText("No webhooks: nothing outside can start this workflow").waitFor();
      expect((await fetch(url, { method: "POST", headers: signed(rotated, "msg_new", "{}"), body: "{}" })).status).toBe(
        404,
      );
    });

    it("runs the workflow from its page as `console`, and lists runs by what started them", async () => {
      await page.getByRole("button", { name: "Run", exact: true }).click();
      await dialog().getByLabel(/^n/).fill("4");
      await dialog().getByRole("button", { name: "Run", exact: true }).click();
      await page.waitForURL(/\/executions\/[0-9a-f-]{36}$/);
      await page.locator("section.execution .status-success").waitFor({ timeout: 20_000 });
      expect(await page.locator(".facts").innerText()).toMatch(/Started by\s+token:test-admin \(console\)/);
      expect(await page.locator(".facts").innerText()).toMatch(/Worker\s+\S+:\d+/);

      await navigate(page, "Executions");
      await page.getByLabel("Started by").selectOption("webhook");
      const table = page.getByRole("table", { name: "Executions" });
      await table.getByText("webhook").first().waitFor();
      expect((await table.locator("tbody tr").allInnerTexts()).every((line) => line.includes("webhook"))).toBe(true);
    });

    it("never received a webhook secret except in the answers that showed it", async () => {
      expect(shownSecrets).toHaveLength(2);
      const haystacks: Haystack[] = [];
      for (const r of received) {
        if (/POST .*\/api\/webhooks(\/[^/]+\/rotate-secret)?(\?|$)/.test(r.url)) continue; // the answers that show it, once
        haystacks.push({ where: r.url, content: await r.body });
      }
      haystacks.push({ where: "DOM", content: await page.content() });
      if (viewport.name === "phone") expect(await overflowing(page)).toEqual([]);
      const needles = shownSecrets.flatMap((secret, i) => needlesOf(secret.slice(6), `webhook secret ${i}`, ""));
      expect(findLeaks(haystacks, needles)).toEqual([]);
    });
  });
});
