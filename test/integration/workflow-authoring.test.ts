import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestPlatform, type TestPlatform } from "../support/test-platform.ts";
import { lines, runCli } from "./cli-runner.ts";

// The author's path through the real CLI, in folders outside the platform's tree with no
// node_modules: init, check, test, typed configs from the store, list.

const CHECK_TIMEOUT_MS = 60_000;
const folders: string[] = [];
const folder = () => {
  const dir = mkdtempSync(join(tmpdir(), "bifrost-authoring-"));
  folders.push(dir);
  return dir;
};

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(async () => {
  await t?.close();
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

describe("bifrost init, workflows check and workflows test", () => {
  it("write a starter folder that passes its own check and test as written", async () => {
    const dir = join(folder(), "workflows");
    const init = await runCli(["init", dir], { env: t.env() });
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toContain("wrote hello.ts, hello.test.ts, tsconfig.json");
    const check = await runCli(["workflows", "check", dir], { env: t.env(), timeoutMs: CHECK_TIMEOUT_MS });
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(check.stdout).toContain("1 workflow(s) load and type-check");
    const tested = await runCli(["workflows", "test", dir], { env: t.env(), timeoutMs: CHECK_TIMEOUT_MS });
    expect(tested.code, tested.stdout + tested.stderr).toBe(0);
    expect(tested.stdout).toMatch(/# pass 2\n# fail 0/);
    // Not twice into the same folder.
    expect((await runCli(["init", dir], { env: t.env() })).code).toBe(2);
  });

  it("report each problem as file:line:col message and exit non-zero", async () => {
    const dir = folder();
    writeFileSync(
      join(dir, "bad.ts"),
      `import { z } from "zod";
import { workflow, type ExecutionContext } from "bifrost-ts/sdk";

export class Bad {
  @workflow({ name: "bad", params: z.object({ n: z.number() }) })
  async run(_ctx: ExecutionContext, { n }: { n: string }) {
    return n;
  }
}
`,
    );
    writeFileSync(join(dir, "throws.ts"), `export const x = 1;\nthrow new Error("fails at import");\n`);
    const check = await runCli(["workflows", "check", dir], { env: t.env(), timeoutMs: CHECK_TIMEOUT_MS });
    expect(check.code).toBe(1);
    expect(lines(check.stdout).map((line) => line.replace(/^.*\//, ""))).toEqual([
      "throws.ts:2:1 fails at import",
      "bad.ts:5:4 @workflow: the method's second parameter must accept z.infer<typeof params>",
    ]);
  });
});

describe("bifrost types", () => {
  it("types config.get by the store's keys: a number is a number, an unknown key or undeclared secret does not compile", async () => {
    const admin = t.api(t.adminToken);
    await admin("PUT", "/api/configs/max_retries", { type: "int", value: 3 });
    await admin("PUT", "/api/configs/region", { type: "string", value: "eu" });
    await admin("PUT", "/api/configs/stripe_api_key", { type: "secret", value: "sk_types_0123456789" });
    await t.orgToken("types-acme");
    await admin("PUT", "/api/configs/region?scope=types-acme", { type: "int", value: 7 });
    const dir = folder();
    const types = await runCli(["types", "-o", join(dir, "bifrost-config.d.ts")], { env: t.env() });
    expect(types.code, types.stderr).toBe(0);
    const printed = await runCli(["types"], { env: t.env() });
    expect(printed.stdout).toContain(
      `interface ConfigTypes {\n    "max_retries": number;\n    "region": number | string;\n    "stripe_api_key": string;\n  }`,
    );
    expect(printed.stdout).toContain(`interface SecretKeys {\n    "stripe_api_key": true;\n  }`);

    writeFileSync(
      join(dir, "typed.ts"),
      `import { config, workflow } from "bifrost-ts/sdk";

export class Typed {
  @workflow({ name: "typed", secrets: ["stripe_api_key"] })
  async run() {
    const retries: number = await config.get("max_retries");
    return retries;
  }

  @workflow({ name: "typo", secrets: ["stripe_api_kee"] })
  async typo() {
    return config.get("max_retrys");
  }
}
`,
    );
    const check = await runCli(["workflows", "check", dir], { env: t.env(), timeoutMs: CHECK_TIMEOUT_MS });
    expect(check.code).toBe(1);
    const problems = lines(check.stdout).map((line) => line.replace(/^.*\//, ""));
    expect(problems).toEqual([
      expect.stringMatching(/^typed\.ts:10:39 Type '"stripe_api_kee"' is not assignable to type '"stripe_api_key"'/),
      expect.stringMatching(/^typed\.ts:12:23 Argument of type '"max_retrys"' is not assignable to parameter of type/),
    ]);
  });
});

describe("bifrost workflows list", () => {
  it("lists what the API can run", async () => {
    const listed = await runCli(["workflows", "list", "--json"], { env: t.env() });
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout).workflows.map((w: { name: string }) => w.name)).toContain("typed_result");
    const table = await runCli(["workflows", "list"], { env: t.env() });
    expect(lines(table.stdout)[0]).toMatch(/^NAME\s+DESCRIPTION\s+SECRETS\s+TOOL\s+FILE$/);
  });
});
