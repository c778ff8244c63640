import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestPlatform, type Api, type TestPlatform } from "../support/test-platform.ts";
import { lines, parseTable, runCli, type CliResult } from "./cli-runner.ts";

// The real `bifrost` CLI for the token lifecycle and org deletion: `tokens create` on the database
// directly, `tokens list|revoke` and `orgs delete` through the API (../shared/CONTRACT.md v2).

/** Per test: a few CLI processes, each ~1 s, on a possibly loaded machine. */
const TIMEOUT = 60_000;

let t: TestPlatform;
let admin: Api;
beforeAll(async () => {
  t = await startTestPlatform();
  admin = t.api(t.adminToken);
});
afterAll(() => t?.close());

const cli = (args: string[], env: Record<string, string> = t.env()) => runCli(args, { env });

function expectOk(result: CliResult): void {
  expect(result.code, `bifrost ${result.args.join(" ")}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`).toBe(0);
}

/** Exit `code`, nothing on stdout, one line on stderr; returns that line. */
function expectFailure(result: CliResult, code: number): string {
  const context = `bifrost ${result.args.join(" ")} (exit ${result.code})\nstdout: ${result.stdout}\nstderr: ${result.stderr}`;
  expect(result.code, context).toBe(code);
  expect(result.stdout, context).toBe("");
  expect(lines(result.stderr), context).toHaveLength(1);
  return lines(result.stderr)[0];
}

/** `tokens create` and the token it printed. */
async function createToken(args: string[]): Promise<string> {
  const result = await cli(["tokens", "create", ...args]);
  expectOk(result);
  expect(result.stdout).toMatch(/^bft_[A-Za-z0-9_-]{43}\n$/);
  return lines(result.stdout)[0];
}

const tokenRows = (name: string) =>
  t.platform.db.prisma.apiToken.findMany({ where: { name }, orderBy: { createdAt: "asc" } });

describe("bifrost tokens create", () => {
  it(
    "--read-only --expires-in makes a token that reads, cannot write, and expires when told",
    { timeout: TIMEOUT },
    async () => {
      const before = Date.now();
      const result = await cli([
        "tokens",
        "create",
        "--admin",
        "--name",
        "cli-reader",
        "--read-only",
        "--expires-in",
        "12h",
      ]);
      expectOk(result);
      const token = lines(result.stdout)[0];
      expect(result.stderr).toContain("read-only");
      expect(result.stderr).not.toContain(token);

      const [row] = await tokenRows("cli-reader");
      expect(row).toMatchObject({ readOnly: true, role: "admin" });
      expect(row.expiresAt!.getTime() - row.createdAt.getTime()).toBe(12 * 3_600_000);
      expect(row.createdAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
      expect((await t.api(token)("GET", "/api/configs")).status).toBe(200);
      expect((await t.api(token)("PUT", "/api/configs/by_reader", { type: "int", value: 1 })).body.error.code).toBe(
        "FORBIDDEN",
      );
    },
  );

  it(
    "refuses a bad --expires-in or a missing kind as usage errors (exit 2), creating nothing",
    { timeout: TIMEOUT },
    async () => {
      const count = await t.platform.db.prisma.apiToken.count();
      const [seconds, tooLong, neither] = await Promise.all([
        cli(["tokens", "create", "--admin", "--expires-in", "90s"]),
        cli(["tokens", "create", "--admin", "--expires-in", "400d"]),
        cli(["tokens", "create", "--read-only"]),
      ]);
      expect(expectFailure(seconds, 2)).toContain("--expires-in");
      expect(expectFailure(tooLong, 2)).toContain("365 days");
      expect(expectFailure(neither, 2)).toContain("--admin or --org");
      expect(await t.platform.db.prisma.apiToken.count()).toBe(count);
    },
  );
});

describe("bifrost tokens list", () => {
  it("shows the tokens (never a token), as a table or as the API's JSON", { timeout: TIMEOUT }, async () => {
    await t.orgToken("cli-acme");
    const acmeToken = await createToken(["--org", "cli-acme", "--name", "cli-acme-reader", "--read-only"]);
    const [table, json, asOrg] = await Promise.all([
      cli(["tokens", "list"]),
      cli(["tokens", "list", "--json"]),
      cli(["tokens", "list"], t.env({ BIFROST_TOKEN: acmeToken })),
    ]);
    for (const result of [table, json, asOrg]) {
      expectOk(result);
      expect(result.stdout).not.toContain(acmeToken);
      expect(result.stdout).not.toContain(t.adminToken);
    }

    // lastUsedAt aside: the calls run together, and each may move its token's.
    const withoutLastUse = (list: Record<string, unknown>[]) => list.map(({ lastUsedAt: _moving, ...token }) => token);
    expect(withoutLastUse(JSON.parse(json.stdout))).toEqual(withoutLastUse((await admin("GET", "/api/tokens")).body));
    const rows = parseTable(table.stdout);
    expect(rows.map((row) => row.name)).toEqual(JSON.parse(json.stdout).map((token: { name: string }) => token.name));
    expect(rows.find((row) => row.name === "cli-acme-reader")).toMatchObject({
      kind: "org",
      org: "cli-acme",
      access: "read-only",
      status: "active",
      expires: "never",
    });
    // An org token sees its org's tokens only.
    expect(
      parseTable(asOrg.stdout)
        .map((row) => row.name)
        .sort(),
    ).toEqual(["cli-acme-reader", "cli-acme-test"]);
  });
});

describe("bifrost tokens revoke", () => {
  it("revokes by id and by a name only one token has; the token is refused at once", { timeout: TIMEOUT }, async () => {
    const [byId, byName] = await Promise.all([
      createToken(["--admin", "--name", "cli-revoke-id"]),
      createToken(["--admin", "--name", "cli-revoke-name"]),
    ]);
    const [{ id }] = await tokenRows("cli-revoke-id");
    const [viaId, viaName] = await Promise.all([
      cli(["tokens", "revoke", id]),
      cli(["tokens", "revoke", "cli-revoke-name"]),
    ]);
    expectOk(viaId);
    expectOk(viaName);
    expect(lines(viaId.stdout)).toEqual([`revoked admin token cli-revoke-id (${id})`]);
    for (const token of [byId, byName]) expect((await t.api(token)("GET", "/api/orgs")).status).toBe(401);
    expect((await tokenRows("cli-revoke-name"))[0].revokedAt).not.toBeNull();
  });

  it("refuses a name several tokens have, listing them, and revokes none (exit 2)", { timeout: TIMEOUT }, async () => {
    await Promise.all([createToken(["--admin", "--name", "cli-twin"]), createToken(["--admin", "--name", "cli-twin"])]);
    const twins = await tokenRows("cli-twin");
    const line = expectFailure(await cli(["tokens", "revoke", "cli-twin"]), 2);
    expect(line).toContain('2 tokens are named "cli-twin"');
    for (const twin of twins) expect(line).toContain(twin.id);
    expect((await tokenRows("cli-twin")).every((row) => row.revokedAt === null)).toBe(true);
  });

  it("says so when no token has that id or name (exit 4)", { timeout: TIMEOUT }, async () => {
    expect(expectFailure(await cli(["tokens", "revoke", "cli-nobody"]), 4)).toContain(
      'no token with id or name "cli-nobody"',
    );
  });
});

describe("bifrost orgs delete", () => {
  it(
    "refuses an org that holds configs, naming --force; --force deletes it with its configs",
    { timeout: TIMEOUT },
    async () => {
      await t.orgToken("cli-doomed");
      expect((await admin("PUT", "/api/configs/kept?scope=cli-doomed", { type: "string", value: "x" })).status).toBe(
        201,
      );

      const refused = await cli(["orgs", "delete", "cli-doomed"]);
      expect(refused.code).not.toBe(0);
      expect(lines(refused.stderr)).toEqual([expect.stringContaining("ORG_NOT_EMPTY")]);
      expect(refused.stderr).toContain("force");
      expect(await t.platform.orgs.find("cli-doomed")).not.toBeNull();

      const forced = await cli(["orgs", "delete", "cli-doomed", "--force"]);
      expectOk(forced);
      expect(lines(forced.stdout)).toEqual(["deleted org cli-doomed"]);
      expect(await t.platform.orgs.find("cli-doomed")).toBeNull();
    },
  );
});
