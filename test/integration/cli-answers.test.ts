import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestPlatform, type TestPlatform } from "../support/test-platform.ts";
import { runCli, type CliResult } from "./cli-runner.ts";

// What the real `bifrost` CLI prints about the scope it acted on.

const TIMEOUT = 60_000;
let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(() => t?.close());

function expectOk(result: CliResult): void {
  expect(result.code, `bifrost ${result.args.join(" ")}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`).toBe(0);
}

describe("bifrost config set and delete", () => {
  it("name the org of an org token used without --org", { timeout: TIMEOUT }, async () => {
    const env = t.env({ BIFROST_TOKEN: await t.orgToken("acme-cli") });
    const set = await runCli(["config", "set", "greeting", "hi"], { env });
    expectOk(set);
    expect(set.stdout).toBe("set greeting (string) at org acme-cli\n");
    const deleted = await runCli(["config", "delete", "greeting"], { env });
    expectOk(deleted);
    expect(deleted.stdout).toBe("deleted greeting from org acme-cli\n");
  });

  it("name global scope for an admin token, and the org given with --org", { timeout: TIMEOUT }, async () => {
    const results = await Promise.all([
      runCli(["config", "set", "greeting", "hello"], { env: t.env() }),
      runCli(["config", "set", "greeting", "hallo", "--org", "acme-cli"], { env: t.env() }),
    ]);
    results.forEach(expectOk);
    expect(results.map((r) => r.stdout)).toEqual(["set greeting (string) at global scope\n", "set greeting (string) at org acme-cli\n"]);
    const deleted = await runCli(["config", "delete", "greeting"], { env: t.env() });
    expect(deleted.stdout).toBe("deleted greeting from global scope\n");
  });
});
