import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GLOBAL_SCOPE, orgScope, type OrgRef, type Scope } from "../../src/orgs/index.ts";
import { createTestDatabase, dumpAllTables, type TestDatabase } from "../support/test-database.ts";
import { startTestPlatform, type Api, type ApiResponse, type TestPlatform } from "../support/test-platform.ts";
import {
  filesUnder,
  findLeaks,
  makeSecret,
  needlesFor,
  needlesOf,
  type Haystack,
  type Needle,
  type TestSecret,
} from "../support/leak-search.ts";
import { runCli, type CliResult } from "./cli-runner.ts";

// The leak test: secrets go in through every door (API, CLI stdin, rejected requests), are read
// back the way a workflow reads them, and then every place the platform writes to is searched for
// each plaintext in every common encoding, and for each ciphertext outside the configs table.
// The tests run in order: the last ones search what the earlier ones left behind.

// ---------------------------------------------------------------------------------------------
// The platform, and a record of everything it sent back

let db: TestDatabase;
let t: TestPlatform;
let closed = false;
let admin: Api;
let acme: OrgRef;

const responses: Haystack[] = [];
const cliOutputs: Haystack[] = [];
const secrets: TestSecret[] = [];
/** A plain (non-secret) value: the searches must find it where it is stored, proving they look at real data. */
const canary = `canary_${randomBytes(12).toString("hex")}`;
/** Ciphertexts that were in the configs table at some point (including ones since replaced). */
const ciphertexts = new Map<string, string>();

function secret(label: string, options: { special?: boolean } = {}): TestSecret {
  const made = makeSecret(label, options);
  secrets.push(made);
  return made;
}

/** An Api that records every response body it receives. */
function recording(api: Api): Api {
  return async (method, path, body, headers) => {
    const response = await api(method, path, body, headers);
    responses.push({
      where: `response to ${method} ${path.slice(0, 80)} (${response.status})`,
      content: response.text,
    });
    return response;
  };
}

async function cli(args: string[], input?: string): Promise<CliResult> {
  const result = await runCli(args, { env: t.env(), input });
  cliOutputs.push({ where: `stdout of bifrost ${args.join(" ")}`, content: result.stdout });
  cliOutputs.push({ where: `stderr of bifrost ${args.join(" ")}`, content: result.stderr });
  return result;
}

async function captureCiphertexts(): Promise<void> {
  const rows = await t.platform.db.prisma.config.findMany({ where: { type: "secret" } });
  for (const row of rows) if (row.encrypted) ciphertexts.set(row.encrypted, `${row.scope}/${row.key}`);
}

const READER = { actor: "test", executionId: "exec-1" };
const resolve = (scope: Scope, key: string) => t.platform.configs.resolve(scope, key, READER);

beforeAll(async () => {
  db = await createTestDatabase();
  t = await startTestPlatform({ db });
  admin = recording(t.api(t.adminToken));
  const created = await admin("POST", "/api/orgs", { name: "acme" });
  expect(created.status, created.text).toBe(201);
  acme = { id: created.body.id, name: created.body.name };
});

afterAll(async () => {
  if (t && !closed) await t.close();
  await db?.drop();
});

// ---------------------------------------------------------------------------------------------

describe("secret leak search", () => {
  it("the search finds a plaintext in each form it looks for, and nothing else (so this test can fail)", () => {
    const s = makeSecret("sanity", { special: true });
    const other = makeSecret("other", { special: true });
    const containing: [string, string | Buffer][] = [
      ["raw", `before ${s.plaintext} after`],
      ["in JSON", JSON.stringify({ value: s.plaintext })],
      ["in a pino line", `{"level":30,"msg":"got ${JSON.stringify(s.plaintext).slice(1, -1)}"}`],
      ["url-encoded", `/api/x?v=${encodeURIComponent(s.plaintext)}`],
      ["form-encoded", new URLSearchParams({ v: s.plaintext }).toString()],
      ["hex", Buffer.from(`x${s.plaintext}`).toString("hex")],
      ["HEX", Buffer.from(s.plaintext).toString("hex").toUpperCase()],
      ...[0, 1, 2].map((pad): [string, string] => [
        `base64, ${pad} bytes before`,
        Buffer.from(`${"p".repeat(pad)}${s.plaintext}!`).toString("base64"),
      ]),
      ...[0, 1, 2].map((pad): [string, string] => [
        `base64url, ${pad} bytes before`,
        Buffer.from(`${"p".repeat(pad)}${s.plaintext}`).toString("base64url"),
      ]),
      ["only the random core", `truncated: ${s.core.slice(0, 24)}`],
      ["bytes, UTF-8", Buffer.concat([randomBytes(100), Buffer.from(s.plaintext), randomBytes(100)])],
      ["bytes, UTF-16LE", Buffer.concat([randomBytes(100), Buffer.from(s.plaintext, "utf16le"), randomBytes(100)])],
      ["UTF-16LE read as UTF-8", `out ${Buffer.from(`x${s.plaintext}`, "utf16le").toString("utf8")}`],
      [
        "UTF-16LE read as UTF-8, in JSON",
        JSON.stringify({ out: Buffer.from(s.plaintext, "utf16le").toString("utf8") }),
      ],
    ];
    for (const [where, content] of containing) {
      expect(findLeaks([{ where, content }], needlesFor(s)), where).not.toEqual([]);
    }
    const clean: Haystack[] = [
      {
        where: "another secret",
        content: `${other.plaintext} ${JSON.stringify(other)} ${Buffer.from(other.plaintext).toString("base64")}`,
      },
      { where: "almost", content: `leak_${s.core.slice(0, 15)}` },
      { where: "bytes", content: randomBytes(64 * 1024) },
    ];
    expect(findLeaks(clean, needlesFor(s))).toEqual([]);
  });

  it("secrets written through the API (global, org, replaced) come back masked, never as plaintext or ciphertext", async () => {
    const global = secret("api global");
    const orgShadow = secret("api org shadow", { special: true });
    const orgOnly = secret("api org");
    const replaced = secret("api replaced");
    const replacement = secret("api replacement");

    const puts: [string, unknown, number][] = [
      ["/api/configs/stripe_api_key", { type: "secret", value: global.plaintext, description: "Stripe" }, 201],
      ["/api/configs/Stripe-API-Key?scope=acme", { type: "secret", value: orgShadow.plaintext }, 201],
      [`/api/configs/webhook_secret?scope=${acme.id}`, { type: "secret", value: orgOnly.plaintext }, 201],
      ["/api/configs/db_password", { type: "secret", value: replaced.plaintext }, 201],
    ];
    for (const [path, body, status] of puts) {
      const res = await admin("PUT", path, body);
      expect(res.status, res.text).toBe(status);
      expect(res.body).toMatchObject({ type: "secret", value: null, masked: true, hasValue: true });
    }
    await captureCiphertexts();
    const before = await t.platform.db.prisma.config.findFirstOrThrow({
      where: { scope: "global", key: "db_password" },
    });

    const update = await admin("PUT", "/api/configs/db_password", { type: "secret", value: replacement.plaintext });
    expect(update.status, update.text).toBe(200);
    expect(update.body).toMatchObject({ value: null, masked: true });
    const after = await t.platform.db.prisma.config.findFirstOrThrow({
      where: { scope: "global", key: "db_password" },
    });
    expect(after.encrypted).not.toBe(before.encrypted);
    await captureCiphertexts();

    // A plain value next to them: the searches below must find it where it is stored (canary).
    expect((await admin("PUT", "/api/configs/canary", { type: "string", value: canary })).status).toBe(201);

    const reads = await Promise.all([
      admin("GET", "/api/configs"),
      admin("GET", "/api/configs?scope=acme"),
      admin("GET", "/api/configs?scope=acme&effective=true"),
      admin("GET", "/api/configs/stripe_api_key?scope=acme"),
      admin("GET", "/api/configs/db_password"),
      admin("GET", "/api/configs/db_password?scope=acme"),
    ]);
    for (const res of reads) {
      expect(res.status, res.text).toBe(200);
      const views = (Array.isArray(res.body) ? res.body : [res.body]) as {
        type: string;
        value: unknown;
        masked: boolean;
      }[];
      for (const view of views.filter((v) => v.type === "secret"))
        expect(view).toMatchObject({ value: null, masked: true });
      expect(res.text).not.toMatch(/"encrypted"/);
    }
    expect(reads[3].body).toMatchObject({ key: "stripe_api_key", resolvedFrom: acme.id });
    expect(reads[5].body).toMatchObject({ key: "db_password", resolvedFrom: "global" });
  });

  it("secrets written through the CLI from stdin come back masked", { timeout: 90_000 }, async () => {
    const global = secret("cli global");
    const org = secret("cli org", { special: true });
    const unknownOrg = secret("cli unknown org");
    const tooLong = secret("cli too long");

    const [setGlobal, setOrg, setUnknownOrg, setTooLong] = await Promise.all([
      cli(["config", "set", "smtp-password", "--secret"], `${global.plaintext}\n`),
      cli(["config", "set", "smtp_password", "--secret", "--org", "acme", "--json"], org.plaintext),
      cli(["config", "set", "smtp_password", "--secret", "--org", "no-such-org"], `${unknownOrg.plaintext}\n`),
      cli(
        ["config", "set", "huge", "--secret"],
        tooLong.plaintext.repeat(Math.ceil((64 * 1024) / tooLong.plaintext.length) + 1),
      ),
    ]);
    expect(setGlobal.code, setGlobal.stderr).toBe(0);
    expect(setOrg.code, setOrg.stderr).toBe(0);
    expect(JSON.parse(setOrg.stdout)).toMatchObject({
      key: "smtp_password",
      type: "secret",
      value: null,
      masked: true,
    });
    expect(setUnknownOrg.code).not.toBe(0);
    expect(setUnknownOrg.stderr).toContain("ORG_NOT_FOUND");
    expect(setTooLong.code).not.toBe(0);
    expect(setTooLong.stderr).toContain("INVALID_CONFIG_VALUE");
    await captureCiphertexts();

    const [get, list, audit] = await Promise.all([
      cli(["config", "get", "smtp_password", "--org", "acme", "--json"]),
      cli(["config", "list", "--org", "acme", "--effective"]),
      cli(["config", "audit", "--limit", "100"]),
    ]);
    for (const r of [get, list, audit]) expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(get.stdout)).toMatchObject({ type: "secret", value: null, masked: true, resolvedFrom: acme.id });
    expect(list.stdout).toContain("••••••");
    expect(audit.stdout).toContain("config.update");
  });

  it("resolving through the service decrypts each secret, as a workflow would, and audits the read", async () => {
    const acmeScope = orgScope(acme);
    const byLabel = (label: string) => secrets.find((s) => s.label === label)!.plaintext;
    const expected: [Scope, string, string, string][] = [
      [GLOBAL_SCOPE, "stripe_api_key", "api global", "global"],
      [acmeScope, "STRIPE_API_KEY", "api org shadow", acme.id],
      [acmeScope, "webhook_secret", "api org", acme.id],
      [GLOBAL_SCOPE, "db_password", "api replacement", "global"],
      [acmeScope, "db_password", "api replacement", "global"],
      [GLOBAL_SCOPE, "smtp_password", "cli global", "global"],
      [acmeScope, "smtp_password", "cli org", acme.id],
    ];
    for (const [scope, key, label, from] of expected) {
      const resolved = await resolve(scope, key);
      expect(resolved.value, `${key} in ${scope.kind}`).toBe(byLabel(label));
      expect(resolved.resolvedFrom).toBe(from);
    }
    const audit = await admin("GET", "/api/audit?action=secret.read&limit=100");
    expect(audit.status).toBe(200);
    expect(audit.body).toHaveLength(expected.length);
    expect(
      audit.body.every(
        (row: { executionId?: string; actor: string }) => row.executionId === "exec-1" && row.actor === "test",
      ),
    ).toBe(true);
  });

  it("requests that carry a secret and are rejected answer with the error, never echoing the secret", async () => {
    const orgApi = recording(t.api(await t.orgToken("acme")));
    const anonymous = recording(t.api(null));
    const cases: [string, (s: string) => Promise<ApiResponse>, number, string][] = [
      [
        "secret too long",
        (s) =>
          admin("PUT", "/api/configs/too_long", {
            type: "secret",
            value: s.repeat(Math.ceil((64 * 1024) / s.length) + 1),
          }),
        400,
        "INVALID_CONFIG_VALUE",
      ],
      [
        "secret as an object",
        (s) => admin("PUT", "/api/configs/wrong_shape", { type: "secret", value: { nested: s } }),
        400,
        "INVALID_CONFIG_VALUE",
      ],
      [
        "secret as an array",
        (s) => admin("PUT", "/api/configs/wrong_shape", { type: "secret", value: [s] }),
        400,
        "INVALID_CONFIG_VALUE",
      ],
      [
        "secret sent as int",
        (s) => admin("PUT", "/api/configs/wrong_type", { type: "int", value: s }),
        400,
        "INVALID_CONFIG_VALUE",
      ],
      [
        "secret sent as bool",
        (s) => admin("PUT", "/api/configs/wrong_type", { type: "bool", value: s }),
        400,
        "INVALID_CONFIG_VALUE",
      ],
      [
        "secret in unparseable json",
        (s) => admin("PUT", "/api/configs/wrong_type", { type: "json", value: `{"k": ${s}` }),
        400,
        "INVALID_CONFIG_VALUE",
      ],
      [
        "string over 256 KiB",
        (s) =>
          admin("PUT", "/api/configs/wrong_type", {
            type: "string",
            value: s.repeat(Math.ceil((300 * 1024) / s.length)),
          }),
        400,
        "INVALID_CONFIG_VALUE",
      ],
      [
        "malformed JSON body",
        (s) => admin("PUT", "/api/configs/malformed", `{"type": "secret", "value": "${s}"`),
        400,
        "VALIDATION_ERROR",
      ],
      [
        "unknown type",
        (s) => admin("PUT", "/api/configs/unknown_type", { type: "password", value: s }),
        400,
        "VALIDATION_ERROR",
      ],
      [
        "extra field",
        (s) => admin("PUT", "/api/configs/extra", { type: "secret", value: s, extra: s }),
        400,
        "VALIDATION_ERROR",
      ],
      [
        "bad description",
        (s) => admin("PUT", "/api/configs/bad_description", { type: "secret", value: s, description: 5 }),
        400,
        "VALIDATION_ERROR",
      ],
      [
        "invalid key",
        (s) => admin("PUT", "/api/configs/semi%3Bcolon", { type: "secret", value: s }),
        400,
        "INVALID_CONFIG_KEY",
      ],
      [
        "unknown org",
        (s) => admin("PUT", "/api/configs/k?scope=no-such-org", { type: "secret", value: s }),
        404,
        "ORG_NOT_FOUND",
      ],
      [
        "org token writing global",
        (s) => orgApi("PUT", "/api/configs/k?scope=global", { type: "secret", value: s }),
        403,
        "FORBIDDEN",
      ],
      ["no token", (s) => anonymous("PUT", "/api/configs/k", { type: "secret", value: s }), 401, "UNAUTHORIZED"],
      [
        "body over 1 MB",
        (s) =>
          admin("PUT", "/api/configs/huge", { type: "secret", value: s.repeat(Math.ceil((1100 * 1024) / s.length)) }),
        413,
        "PAYLOAD_TOO_LARGE",
      ],
    ];
    for (const [label, send, status, code] of cases) {
      const s = secret(`rejected: ${label}`, { special: label === "unknown org" });
      const res = await send(s.plaintext);
      expect(res.status, `${label}: ${res.text.slice(0, 300)}`).toBe(status);
      expect(res.body?.error?.code, label).toBe(code);
      expect(res.text, label).not.toContain(s.core);
    }
    const stored = await t.platform.db.prisma.config.findMany({ select: { key: true } });
    expect(stored.map((c) => c.key).sort()).toEqual([
      "canary",
      "db_password",
      "smtp_password",
      "smtp_password",
      "stripe_api_key",
      "stripe_api_key",
      "webhook_secret",
    ]);
  });

  it("a secret whose description holds a NUL character is stored or refused with 4xx, never a 500", async () => {
    // PostgreSQL text cannot hold U+0000, SQLite can: both backends must answer the same way, and an
    // input problem is never an internal error. (The scan below checks that whatever path this takes
    // writes neither the plaintext nor a ciphertext to the log.)
    const s = secret("NUL in description");
    const res = await admin("PUT", "/api/configs/nul_description", {
      type: "secret",
      value: s.plaintext,
      description: "before\u0000after",
    });
    expect(res.text).not.toContain(s.core);
    if (res.status === 201) expect((await admin("DELETE", "/api/configs/nul_description")).status).toBe(204);
    expect(res.status, res.text).toBeLessThan(500);
  });

  it("no plaintext, in any encoding, is in any table, database file, log, API response or CLI output", async () => {
    await captureCiphertexts();
    const haystacks: Haystack[] = [
      { where: "database rows (dumpAllTables)", content: await dumpAllTables(db) },
      ...filesUnder(db.dir),
      { where: "server log", content: t.logs() },
      ...responses,
      ...cliOutputs,
    ];
    if (db.provider === "sqlite") {
      // The database file and its WAL and shared-memory files are all searched as raw bytes.
      for (const file of [db.file!, `${db.file}-wal`, `${db.file}-shm`]) {
        expect(existsSync(file), file).toBe(true);
        expect(haystacks.some((h) => h.where === `file ${file}`)).toBe(true);
      }
    }

    // The places searched are real: the canary (a plain value) is found where it was stored and sent.
    const canaryNeedles = needlesOf(canary, "canary", "");
    const canaryFound = new Set(findLeaks(haystacks, canaryNeedles).map((l) => l.where));
    expect(canaryFound).toContain("database rows (dumpAllTables)");
    expect([...canaryFound].some((where) => where.startsWith("response to PUT /api/configs/canary"))).toBe(true);
    if (db.provider === "sqlite")
      expect([...canaryFound].some((where) => where.startsWith(`file ${db.file}`))).toBe(true);
    // One line per request: its id, method, path (no query) and status, and never a header.
    const logged = t
      .logs()
      .split("\n")
      .filter((line) => line.includes('"path":"/api/configs/db_password"'))
      .map((line) => JSON.parse(line));
    expect(logged.length).toBeGreaterThan(0);
    for (const line of logged) {
      expect(Object.keys(line.req).sort()).toEqual(["id", "method", "path"]);
      expect(line.res).toEqual({ statusCode: expect.any(Number) });
      expect(line.msg).toBe(`${line.req.method} /api/configs/db_password ${line.res.statusCode}`);
    }
    expect(t.logs()).not.toMatch(/"(headers|authorization|cookie)"\s*:/i);
    expect(cliOutputs.length).toBeGreaterThanOrEqual(14);
    expect(secrets.length).toBeGreaterThanOrEqual(25);

    const leaks = findLeaks(haystacks, secrets.flatMap(needlesFor));
    expect(leaks).toEqual([]);
  });

  it("no ciphertext leaves the configs table: not in the log, an API response or CLI output", async () => {
    await captureCiphertexts();
    // Six secrets are stored now, plus the one that was replaced.
    expect(await t.platform.db.prisma.config.count({ where: { type: "secret", encrypted: { not: null } } })).toBe(6);
    expect(ciphertexts.size).toBe(7);
    const needles: Needle[] = [];
    for (const [token, where] of ciphertexts) {
      expect(token).toMatch(/^gAAAAA[A-Za-z0-9_-]+=*$/);
      needles.push({ secret: where, form: "token", text: token });
      needles.push({ secret: where, form: "token middle", text: token.slice(20, 60) });
    }
    const dump = await dumpAllTables(db);
    const current = (await t.platform.db.prisma.config.findMany({ where: { type: "secret" } })).map(
      (c) => c.encrypted!,
    );
    for (const token of current) expect(dump).toContain(token);

    const haystacks: Haystack[] = [{ where: "server log", content: t.logs() }, ...responses, ...cliOutputs];
    expect(findLeaks(haystacks, needles)).toEqual([]);
  });

  it("after shutdown (WAL checkpointed) the database and every file the platform wrote still hold no plaintext", async () => {
    await t.close();
    closed = true;
    const haystacks: Haystack[] = [
      { where: "database rows after shutdown", content: await dumpAllTables(db) },
      ...filesUnder(db.dir),
    ];
    if (db.provider === "sqlite") expect(existsSync(db.file!)).toBe(true);
    expect(findLeaks(haystacks, secrets.flatMap(needlesFor))).toEqual([]);
    expect(findLeaks(haystacks, needlesOf(canary, "canary", ""))).not.toEqual([]);
  });
});
