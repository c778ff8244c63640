import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadWorkflowCatalog } from "../../src/workflows/index.ts";

const fixtures = fileURLToPath(new URL("../fixtures/workflows-broken/", import.meta.url));
const examples = fileURLToPath(new URL("../../examples/workflows/", import.meta.url));

describe("workflow catalog", () => {
  it("loads the examples with params as JSON Schema and declared secrets", async () => {
    const catalog = await loadWorkflowCatalog(examples);
    expect(catalog.errors).toEqual([]);
    const charge = catalog.list().find((w) => w.name === "charge_card");
    expect(charge).toMatchObject({ secrets: ["stripe_api_key"], timeoutMs: 30_000, retries: 0, file: "billing.ts" });
    expect(charge!.params).toMatchObject({
      type: "object",
      properties: { amount: { type: "integer" } },
      required: ["amount"],
    });
    expect(catalog.list().map((w) => w.name)).toEqual(["charge_card", "greet", "user_report"]);
  });

  it("reports a file that fails to load and a duplicate name with both files, and keeps the rest", async () => {
    const catalog = await loadWorkflowCatalog(fixtures);
    expect(catalog.list().map((w) => w.name)).toEqual(["fixture_good"]);
    expect(catalog.get("fixture_good")!.secrets).toEqual(["api_key"]);
    expect(catalog.errors).toEqual(
      expect.arrayContaining([
        { file: "throws.ts", line: 1, message: "this file fails at import on purpose" },
        {
          file: "nested/duplicate.ts",
          line: null,
          message: 'duplicate workflow name "fixture_good": defined in good.ts and in nested/duplicate.ts',
        },
      ]),
    );
  });

  it("sees the same workflows when a directory is loaded again in the same process", async () => {
    await (await loadWorkflowCatalog(examples)).close();
    const again = await loadWorkflowCatalog(examples);
    expect(again.list()).toHaveLength(3);
    await again.close();
  });

  it("reports a missing directory instead of failing", async () => {
    const catalog = await loadWorkflowCatalog("/nonexistent/bifrost/workflows");
    expect(catalog.list()).toEqual([]);
    expect(catalog.errors[0].message).toMatch(/cannot read the workflows directory/);
  });
});
