import type { Browser, Page } from "playwright-core";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { overflowing, launchChromium, openPage, VIEWPORTS, signIn } from "../support/browser.ts";
import { startTestPlatform, type TestPlatform } from "../support/test-platform.ts";

// The MCP panel of the configuration page (Debian's Chromium through playwright-core) against the
// real platform: the org's MCP URL and the client snippet, as GET /api/mcp/config builds it.
// At desktop and phone widths (one platform each).

const MCP_WORKFLOWS = fileURLToPath(new URL("../fixtures/workflows-mcp/", import.meta.url));

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

describe.each(VIEWPORTS)("at $name width", (viewport) => {
  let t: TestPlatform;
  let page: Page;

  beforeAll(async () => {
    t = await startTestPlatform({ workflowsDir: MCP_WORKFLOWS });
    await t.platform.orgs.create("acme", "test");
    page = await openPage(browser, viewport);
  }, 60_000);
  afterAll(async () => {
    await page?.close();
    await t?.close();
  });

  const panel = () => page.getByRole("region", { name: "MCP" });

  describe("the MCP panel", () => {
    it("is not on the global scope's page", async () => {
      await signIn(page, t.url, t.adminToken);
      await page.getByText(/^No configs in .+ yet\./).waitFor();
      expect(await panel().count()).toBe(0);
    });

    it("shows an org's MCP URL and Cursor's snippet with the declared Config-* headers", async () => {
      await page.getByLabel("Scope").selectOption({ label: "acme (effective)" });
      await panel().getByLabel("MCP client config").waitFor();
      expect(await panel().getByLabel("MCP URL").innerText()).toBe(`${t.url}/mcp/acme`);
      expect(await panel().innerText()).toContain("Config-Api-Key");
      const shown = JSON.parse(await panel().getByLabel("MCP client config").innerText());
      expect(shown).toEqual({
        mcpServers: {
          "bifrost-acme": {
            url: `${t.url}/mcp/acme`,
            headers: {
              Authorization: "Bearer ${env:BIFROST_TOKEN}",
              "Config-Api-Key": "${env:BIFROST_CONFIG_API_KEY}",
            },
          },
        },
      });
      expect(await page.content()).not.toContain(t.adminToken);
      if (viewport.name === "phone") expect(await overflowing(page)).toEqual([]);
    });

    it("puts the Client select on the heading's line, to its right", async () => {
      const heading = (await panel().getByRole("heading", { name: "MCP" }).boundingBox())!;
      const select = (await panel().getByLabel("Client", { exact: true }).boundingBox())!;
      const middle = (box: { y: number; height: number }) => box.y + box.height / 2;
      expect(Math.abs(middle(select) - middle(heading))).toBeLessThan(8);
      expect(select.x).toBeGreaterThan(heading.x + heading.width);
    });

    it("switches to another client's form", async () => {
      await panel().getByLabel("Client", { exact: true }).selectOption({ label: "VS Code" });
      await panel().getByText(".vscode/mcp.json").waitFor();
      const shown = JSON.parse(await panel().getByLabel("MCP client config").innerText());
      const served = (await t.api(t.adminToken)("GET", `/api/mcp/config?scope=acme&client=vscode`)).body;
      expect(shown).toEqual(served.config);
      expect(shown.servers["bifrost-acme"].headers.Authorization).toBe("Bearer ${input:bifrost-token}");
    });
  });
});
