import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestPlatform, type Api, type TestPlatform } from "../support/test-platform.ts";

// A workflow's `result` schema: shown as JSON Schema, and checked on every run.

let t: TestPlatform;
let admin: Api;
beforeAll(async () => {
  t = await startTestPlatform({ worker: true });
  admin = t.api(t.adminToken);
});
afterAll(() => t?.close());

describe("a workflow's result schema", () => {
  it("is listed as JSON Schema, with whether the workflow is an MCP tool", async () => {
    const { workflows } = (await admin("GET", "/api/workflows")).body as {
      workflows: { name: string; result: unknown; tool: boolean }[];
    };
    expect(workflows.find((w) => w.name === "typed_result")).toMatchObject({
      tool: true,
      result: { type: "object", properties: { count: { type: "integer" } }, required: ["count"] },
    });
    expect(workflows.find((w) => w.name === "noop")).toMatchObject({ tool: false, result: null });
  });

  it("passes a result that fits, and fails one that does not with RESULT_INVALID, listing the problem, scrubbed", async () => {
    const secret = "sk_result_secret_0123456789";
    await admin("PUT", "/api/configs/api_secret", { type: "secret", value: secret });
    const ok = await admin("POST", "/api/workflows/typed_result/executions?wait=20000", { params: { wrong: false } });
    expect(ok.body).toMatchObject({ status: "success", result: { count: 3 } });
    const wrong = await admin("POST", "/api/workflows/typed_result/executions?wait=20000", { params: { wrong: true } });
    expect(wrong.body).toMatchObject({
      status: "failed",
      result: null,
      error: expect.stringMatching(
        /^ResultInvalidError: Workflow "typed_result" returned a result its result schema refuses: result\.count: /,
      ),
    });
    expect(wrong.text).not.toContain(secret);
  });

  it("stores a run whose output a database cannot take as it is: lone surrogates replaced, a result too deep refused", async () => {
    const surrogates = await admin("POST", "/api/workflows/unstorable_output/executions?wait=20000", {
      params: { what: "surrogates" },
    });
    expect(surrogates.body).toMatchObject({
      status: "failed",
      error: expect.stringMatching(/^Error: an emoji \u{1F600} and a lone \uFFFD/u),
    });
    expect(surrogates.body.logs.map((entry: { message: string }) => entry.message)).toEqual(["half an emoji: \uFFFD"]);
    const deep = await admin("POST", "/api/workflows/unstorable_output/executions?wait=20000", {
      params: { what: "deep" },
    });
    expect(deep.body).toMatchObject({
      status: "failed",
      result: null,
      error: expect.stringMatching(
        /^ResultInvalidError: Workflow "unstorable_output" returned a result the platform cannot store: result\[0\]\[0\]\[0\]\[0\]: nested deeper than 128 levels/,
      ),
    });
  });
});
