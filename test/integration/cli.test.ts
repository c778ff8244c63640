import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GLOBAL_SCOPE } from "../../src/orgs/index.ts";
import { startTestPlatform, type Api, type TestPlatform } from "../support/test-platform.ts";
import { lines, parseTable, runCli, unusedPort, type CliResult } from "./cli-runner.ts";

// The real `bifrost` CLI (node bin/bifrost.mjs, as a child process) against a real server and
// database. Each call costs about a second, so calls that do not depend on each other run together.
// The tests build on each other in order: tokens, orgs, configs, then errors.

const MASK = "••••••";
/** Per test: a few CLI processes, each ~1 s, on a possibly loaded machine. */
const TIMEOUT = 60_000;

let t: TestPlatform;
let api: Api;
beforeAll(async () => {
  t = await startTestPlatform();
  api = t.api(t.adminToken);
});
afterAll(() => t?.close());

const cli = (args: string[], options: { input?: string; env?: Record<string, string> } = {}) =>
  runCli(args, { env: options.env ?? t.env(), input: options.input });

/** Exit 0 and nothing unexpected on stderr, or fail showing what the CLI said. */
function expectOk(result: CliResult): void {
  expect(
    result.code,
    `bifrost ${result.args.join(" ")} (signal ${result.signal})\nstdout: ${result.stdout}\nstderr: ${result.stderr}`,
  ).toBe(0);
}

/** Non-zero exit, nothing on stdout, exactly one line on stderr; returns that line. */
function expectOneLineFailure(result: CliResult): string {
  const context = `bifrost ${result.args.join(" ")} (exit ${result.code}, signal ${result.signal})\nstdout: ${result.stdout}\nstderr: ${result.stderr}`;
  expect(result.code, context).not.toBe(0);
  expect(result.code, context).not.toBeNull();
  expect(result.stdout, context).toBe("");
  expect(result.stderr.endsWith("\n"), context).toBe(true);
  expect(lines(result.stderr), context).toHaveLength(1);
  return lines(result.stderr)[0];
}

const secretValue = `cli_secret_${randomBytes(12).toString("hex")}`;

describe("bifrost tokens create (works on the database directly)", () => {
  it(
    "--admin prints exactly one token line on stdout, and that token works against the API",
    { timeout: TIMEOUT },
    async () => {
      const result = await cli(["tokens", "create", "--admin", "--name", "ci-deploy"]);
      expectOk(result);
      expect(result.stdout).toMatch(/^bft_[A-Za-z0-9_-]{43}\n$/);
      const token = lines(result.stdout)[0];
      expect(result.stderr).not.toContain(token);

      const orgs = await t.api(token)("GET", "/api/orgs");
      expect(orgs.status, orgs.text).toBe(200);
      const put = await t.api(token)("PUT", "/api/configs/set_by_cli_token", { type: "int", value: 1 });
      expect(put.status, put.text).toBe(201);
      expect(put.body.updatedBy).toBe("token:ci-deploy");
      // Not vacuous: a token the CLI did not print is refused.
      expect((await t.api(`bft_${"A".repeat(43)}`)("GET", "/api/orgs")).status).toBe(401);
      // Only the hash is stored.
      expect(await t.platform.db.prisma.apiToken.count({ where: { tokenHash: token } })).toBe(0);
      await api("DELETE", "/api/configs/set_by_cli_token");
    },
  );

  it(
    "--org <name> for a missing org fails with one line on stderr and creates nothing",
    { timeout: TIMEOUT },
    async () => {
      const before = await t.platform.db.prisma.apiToken.count();
      const line = expectOneLineFailure(await cli(["tokens", "create", "--org", "no-such-org"]));
      expect(line).toContain('no org named "no-such-org"');
      expect(await t.platform.db.prisma.apiToken.count()).toBe(before);
    },
  );
});

describe("bifrost orgs", () => {
  it(
    "orgs create makes an org; orgs list shows it; tokens create --org then works for it",
    { timeout: TIMEOUT },
    async () => {
      const created = await cli(["orgs", "create", "acme"]);
      expectOk(created);
      const acme = await t.platform.orgs.find("acme");
      expect(acme).not.toBeNull();
      expect(lines(created.stdout)).toEqual([`created org acme (${acme!.id})`]);

      const [listed, orgToken] = await Promise.all([cli(["orgs", "list"]), cli(["tokens", "create", "--org", "acme"])]);
      expectOk(listed);
      expect(parseTable(listed.stdout)).toEqual([expect.objectContaining({ name: "acme", id: acme!.id })]);

      expectOk(orgToken);
      expect(lines(orgToken.stdout)).toHaveLength(1);
      const asOrg = t.api(lines(orgToken.stdout)[0]);
      expect((await asOrg("GET", "/api/orgs")).body).toEqual([expect.objectContaining({ id: acme!.id, name: "acme" })]);
      expect((await asOrg("GET", "/api/configs?scope=global")).status).toBe(403);
    },
  );
});

describe("bifrost config", () => {
  it(
    "config set stores int, bool, json and string values typed (keys normalized), and an org value",
    { timeout: TIMEOUT },
    async () => {
      const results = await Promise.all([
        cli(["config", "set", "Max-Retries", "5", "--type", "int", "--description", "how often"]),
        cli(["config", "set", "feature.on", "TRUE", "--type", "bool"]),
        cli(["config", "set", "limits", '{"rps": 10, "burst": [1, 2]}', "--type", "json"]),
        cli(["config", "set", "greeting", "hello world"]),
      ]);
      results.forEach(expectOk);
      expect(results.map((r) => r.stdout)).toEqual([
        "set max_retries (int) at global scope\n",
        "set feature_on (bool) at global scope\n",
        "set limits (json) at global scope\n",
        "set greeting (string) at global scope\n",
      ]);
      // The org value goes after the global one, so the audit order below is known.
      const org = await cli(["config", "set", "greeting", "hallo", "--org", "acme"]);
      expectOk(org);
      expect(org.stdout).toBe("set greeting (string) at org acme\n");

      const global = (await api("GET", "/api/configs?scope=global")).body as {
        key: string;
        type: string;
        value: unknown;
        description: string | null;
      }[];
      expect(global.map(({ key, type, value, description }) => ({ key, type, value, description }))).toEqual([
        { key: "feature_on", type: "bool", value: true, description: null },
        { key: "greeting", type: "string", value: "hello world", description: null },
        { key: "limits", type: "json", value: { rps: 10, burst: [1, 2] }, description: null },
        { key: "max_retries", type: "int", value: 5, description: "how often" },
      ]);
      expect((await api("GET", "/api/configs/greeting?scope=acme")).body).toMatchObject({
        type: "string",
        value: "hallo",
        resolvedFrom: (await t.platform.orgs.find("acme"))!.id,
      });
    },
  );

  it(
    "config set --secret reads the value from piped stdin (never argv) and stores it encrypted",
    { timeout: TIMEOUT },
    async () => {
      const args = ["config", "set", "vendor-api-key", "--secret", "--description", "vendor key"];
      const result = await cli(args, { input: `${secretValue}\n` });
      expectOk(result);
      expect(args.join(" ")).not.toContain(secretValue);
      expect(result.stdout).toBe("set vendor_api_key (secret) at global scope\n");
      expect(result.stdout + result.stderr).not.toContain(secretValue);

      // Exactly the piped value (one trailing newline dropped), encrypted at rest, masked in the API.
      expect((await t.platform.configs.resolve(GLOBAL_SCOPE, "vendor_api_key", { actor: "test" })).value).toBe(
        secretValue,
      );
      const row = await t.platform.db.prisma.config.findFirstOrThrow({ where: { key: "vendor_api_key" } });
      expect(row).toMatchObject({ type: "secret", value: null, description: "vendor key" });
      expect(row.encrypted).toMatch(/^gAAAAA/);
      expect(row.encrypted).not.toContain(secretValue);
      expect((await api("GET", "/api/configs/vendor_api_key")).body).toMatchObject({
        type: "secret",
        value: null,
        masked: true,
      });
    },
  );

  it(
    "config get prints a plain value as is (after the cascade) and a secret masked, never its plaintext",
    { timeout: TIMEOUT },
    async () => {
      const [plain, fromGlobal, secret] = await Promise.all([
        cli(["config", "get", "GREETING", "--org", "acme"]),
        cli(["config", "get", "max_retries", "--org", "acme"]),
        cli(["config", "get", "vendor_api_key", "--org", "acme"]),
      ]);
      [plain, fromGlobal, secret].forEach(expectOk);
      expect(plain.stdout).toBe("hallo\n");
      expect(fromGlobal.stdout).toBe("5\n");
      expect(secret.stdout).toBe(`${MASK}\n`);
      expect(secret.stdout + secret.stderr).not.toContain(secretValue);
    },
  );

  it(
    "config list --org X --effective shows every readable key and where each value comes from",
    { timeout: TIMEOUT },
    async () => {
      const result = await cli(["config", "list", "--org", "acme", "--effective"]);
      expectOk(result);
      const rows = parseTable(result.stdout);
      const byKey = Object.fromEntries(rows.map((row) => [row.key, row]));
      expect(rows.map((row) => row.key)).toEqual(["feature_on", "greeting", "limits", "max_retries", "vendor_api_key"]);
      expect(byKey.greeting).toMatchObject({ type: "string", value: "hallo", from: "org" });
      expect(byKey.max_retries).toMatchObject({ type: "int", value: "5", from: "global", description: "how often" });
      expect(byKey.feature_on).toMatchObject({ type: "bool", value: "true", from: "global" });
      expect(byKey.limits).toMatchObject({ type: "json", value: '{"rps":10,"burst":[1,2]}', from: "global" });
      expect(byKey.vendor_api_key).toMatchObject({
        type: "secret",
        value: MASK,
        from: "global",
        description: "vendor key",
      });
      expect(byKey.greeting.updated).toMatch(/ by token:test-admin$/);
      expect(result.stdout + result.stderr).not.toContain(secretValue);
    },
  );

  it("config delete removes the org value, letting the global one show through", { timeout: TIMEOUT }, async () => {
    const result = await cli(["config", "delete", "greeting", "--org", "acme"]);
    expectOk(result);
    expect(result.stdout).toBe("deleted greeting from org acme\n");
    expect((await api("GET", "/api/configs?scope=acme")).body).toEqual([]);
    expect((await api("GET", "/api/configs/greeting?scope=acme")).body).toMatchObject({
      value: "hello world",
      resolvedFrom: "global",
    });
  });

  it(
    "config audit lists who did what to a key, newest first, never a value; the table names orgs, --json keeps their ids",
    { timeout: TIMEOUT },
    async () => {
      const acme = (await t.platform.orgs.find("acme"))!;
      const result = await cli(["config", "audit", "greeting"]);
      expectOk(result);
      const rows = parseTable(result.stdout);
      expect(rows.map(({ action, scope, key, actor }) => ({ action, scope, key, actor }))).toEqual([
        { action: "config.delete", scope: "acme", key: "greeting", actor: "token:test-admin" },
        { action: "config.create", scope: "acme", key: "greeting", actor: "token:test-admin" },
        { action: "config.create", scope: "global", key: "greeting", actor: "token:test-admin" },
      ]);
      const json = await cli(["config", "audit", "greeting", "--json"]);
      expectOk(json);
      expect((JSON.parse(json.stdout) as { scope: string }[]).map((row) => row.scope)).toEqual([
        acme.id,
        acme.id,
        "global",
      ]);
      expect(rows.every((row) => !Number.isNaN(Date.parse(row.at)))).toBe(true);
      expect(result.stdout).not.toContain("hallo");
      expect(result.stdout).not.toContain("hello world");
    },
  );

  it("--version prints the package's version", { timeout: TIMEOUT }, async () => {
    const result = await cli(["--version"]);
    expectOk(result);
    expect(result.stdout).toBe(
      `${(JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version}\n`,
    );
  });

  it(
    "ends quietly (exit 0, nothing on stderr) when its reader stops early, as `bifrost audit | head` does",
    { timeout: TIMEOUT },
    async () => {
      const result = await runCli(["audit"], { env: t.env(), closeStdout: true });
      expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: "" });
    },
  );
});

describe("bifrost errors: non-zero exit, one line on stderr naming the problem", () => {
  it("a bad int value (INVALID_CONFIG_VALUE), changing nothing", { timeout: TIMEOUT }, async () => {
    const line = expectOneLineFailure(await cli(["config", "set", "max_retries", "lots", "--type", "int"]));
    expect(line).toContain("INVALID_CONFIG_VALUE");
    expect(line).toContain('"max_retries"');
    expect(line).toContain("int");
    expect((await api("GET", "/api/configs/max_retries")).body).toMatchObject({ type: "int", value: 5 });
  });

  it("an unknown org (ORG_NOT_FOUND)", { timeout: TIMEOUT }, async () => {
    const line = expectOneLineFailure(await cli(["config", "list", "--org", "no-such-org"]));
    expect(line).toContain("ORG_NOT_FOUND");
    expect(line).toContain("no-such-org");
  });

  it("a missing BIFROST_TOKEN", { timeout: TIMEOUT }, async () => {
    const { BIFROST_TOKEN: _dropped, ...env } = t.env();
    const line = expectOneLineFailure(await cli(["config", "list"], { env }));
    expect(line).toContain("BIFROST_TOKEN is not set");
  });

  it("an unreachable BIFROST_URL", { timeout: TIMEOUT }, async () => {
    const url = `http://127.0.0.1:${await unusedPort()}`;
    const line = expectOneLineFailure(await cli(["config", "list"], { env: t.env({ BIFROST_URL: url }) }));
    expect(line).toContain(`cannot reach the Bifrost API at ${url}`);
  });
});
