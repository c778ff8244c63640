import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GLOBAL_SCOPE } from "../../src/orgs/index.ts";
import { findLeaks, makeSecret, needlesFor } from "../support/leak-search.ts";
import { startTestPlatform, type TestPlatform } from "../support/test-platform.ts";
import { parseTable, runCli, type CliResult } from "./cli-runner.ts";

// `bifrost config import <file>` through the real API: a .env or JSON file into one scope, typed as
// the console types it, with a created/updated/unchanged table of the keys as stored, and never a
// secret's value printed.

const TIMEOUT = 60_000;
let t: TestPlatform;
const token = makeSecret("imported token");
const forced = makeSecret("forced secret");

beforeAll(async () => {
  t = await startTestPlatform();
  await t.platform.orgs.create("acme", "test");
  await t.platform.configs.set(GLOBAL_SCOPE, "MAX_RETRIES", { type: "int", value: 3, description: "Retries" }, "test");
});
afterAll(() => t?.close());

function file(name: string, text: string): string {
  const path = join(t.db.dir, name);
  writeFileSync(path, text);
  return path;
}

function expectNoLeaks(...results: CliResult[]): void {
  const haystacks = results.flatMap((r) => [
    { where: `stdout of ${r.args.join(" ")}`, content: r.stdout },
    { where: `stderr of ${r.args.join(" ")}`, content: r.stderr },
  ]);
  expect(findLeaks(haystacks, [...needlesFor(token), ...needlesFor(forced)])).toEqual([]);
}

describe("bifrost config import", () => {
  it(
    "previews a .env with --dry-run, then imports it: secrets guessed by name, values never printed",
    { timeout: TIMEOUT },
    async () => {
      const env = file(
        "staging.env",
        `# staging\nMAX_RETRIES=7\nexport FEATURE_FLAG=true\nPARTNER_TOKEN="${token.plaintext}"\nREGION=eu-west\n`,
      );
      const preview = await runCli(["config", "import", env, "--dry-run"], { env: t.env() });
      expect(preview.code, preview.stderr).toBe(0);
      expect(parseTable(preview.stdout.split("\n").slice(0, -2).join("\n"))).toEqual([
        { key: "max_retries", type: "int", value: "7", change: "updated" },
        { key: "feature_flag", type: "bool", value: "true", change: "created" },
        { key: "partner_token", type: "secret", value: "••••••", change: "created" },
        { key: "region", type: "string", value: "eu-west", change: "created" },
      ]);
      expect(preview.stdout).toContain("dry run, nothing written: 3 created, 1 updated, 0 unchanged\n");
      expect((await t.platform.configs.getEffective(GLOBAL_SCOPE, "MAX_RETRIES")).value).toBe(3);

      const imported = await runCli(["config", "import", env], { env: t.env() });
      expect(imported.code, imported.stderr).toBe(0);
      expect(imported.stdout).toMatch(/\n3 created, 1 updated, 0 unchanged\n$/);
      expect((await t.platform.configs.getEffective(GLOBAL_SCOPE, "MAX_RETRIES")).value).toBe(7);
      expect((await t.platform.configs.getEffective(GLOBAL_SCOPE, "MAX_RETRIES")).description).toBe("Retries");
      const stored = await t.platform.configs.resolve(GLOBAL_SCOPE, "PARTNER_TOKEN", { actor: "test" });
      expect(stored).toMatchObject({ type: "secret", value: token.plaintext });

      const again = await runCli(["config", "import", env, "--json"], { env: t.env() });
      expect(again.code, again.stderr).toBe(0);
      const report = JSON.parse(again.stdout);
      // A secret sent again is reported updated: the server cannot tell without decrypting.
      expect(report).toMatchObject({ dryRun: false, configs: { created: 0, updated: 1, unchanged: 3 } });
      expectNoLeaks(preview, imported, again);
    },
  );

  it("imports a JSON object into an org, with --secret and --plain over the guess", { timeout: TIMEOUT }, async () => {
    const json = file(
      "acme.json",
      JSON.stringify({ signing_material: forced.plaintext, token_ttl: 60, limits: { daily: 5 }, api_key_hint: "sk_…" }),
    );
    const result = await runCli(
      ["config", "import", json, "--org", "acme", "--secret", "signing_material", "--plain", "api_key_hint"],
      { env: t.env() },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(parseTable(result.stdout.split("\n").slice(0, -2).join("\n"))).toEqual([
      { key: "signing_material", type: "secret", value: "••••••", change: "created" },
      { key: "token_ttl", type: "int", value: "60", change: "created" },
      { key: "limits", type: "json", value: '{"daily":5}', change: "created" },
      { key: "api_key_hint", type: "string", value: "sk_…", change: "created" },
    ]);
    const acme = { kind: "org" as const, org: (await t.platform.orgs.find("acme"))! };
    expect((await t.platform.configs.resolve(acme, "signing_material", { actor: "test" })).value).toBe(
      forced.plaintext,
    );
    expect((await t.platform.configs.getEffective(acme, "token_ttl")).value).toBe(60);
    expect(await t.platform.configs.getEffective(GLOBAL_SCOPE, "token_ttl").catch(() => null)).toBeNull();
    expectNoLeaks(result);
  });

  it("has examples in its help", { timeout: TIMEOUT }, async () => {
    const help = await runCli(["config", "import", "--help"], { env: t.env() });
    expect(help.stdout).toContain("Examples:\n  $ bifrost config import staging.env --org acme --dry-run");
  });

  it(
    "refuses a bad file or flag with a usage error, and an org token another org's scope",
    { timeout: TIMEOUT },
    async () => {
      const before = await t.platform.db.prisma.config.count();
      const broken = await runCli(["config", "import", file("broken.json", '{"a": '), "--json"], { env: t.env() });
      expect(broken.code).toBe(2);
      expect(JSON.parse(broken.stderr).error.message).toContain("not valid JSON");
      const notThere = await runCli(["config", "import", join(t.db.dir, "missing.env")], { env: t.env() });
      expect(notThere.code).toBe(2);
      expect(notThere.stderr).toContain("cannot read");
      const env = file("one.env", "REGION=us\n");
      const unknownKey = await runCli(["config", "import", env, "--secret", "NOPE"], { env: t.env() });
      expect(unknownKey.code).toBe(2);
      expect(unknownKey.stderr).toContain("NOPE: no such key in the file");
      const otherOrg = await runCli(["config", "import", env, "--org", "acme"], {
        env: t.env({ BIFROST_TOKEN: await t.orgToken("beta") }),
      });
      expect(otherOrg.code).toBe(3);
      const noOrg = await runCli(["config", "import", env, "--org", "nowhere"], { env: t.env() });
      expect(noOrg.code).toBe(4);
      expect(await t.platform.db.prisma.config.count()).toBe(before);
    },
  );
});
