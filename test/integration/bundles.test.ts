import { createHash, randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BundleConfig } from "../../src/bundles/bundle-format.ts";
import { SecretValueMissingError } from "../../src/errors/index.ts";
import { GLOBAL_SCOPE, orgScope, type Scope } from "../../src/orgs/index.ts";
import { dumpAllTables } from "../support/test-database.ts";
import { findLeaks, makeSecret, needlesFor } from "../support/leak-search.ts";
import { startTestPlatform, type Api, type TestPlatform } from "../support/test-platform.ts";
import { runCli } from "./cli-runner.ts";

// Export and import between real platforms (each its own database of the provider under test):
// portable round trips, backups under the same and another key, Python Bifrost exports, and a
// table of malformed documents that must each be refused with a path and change nothing.

const vectors = JSON.parse(
  readFileSync(new URL("../fixtures/vectors/bifrost/derivation.json", import.meta.url), "utf8"),
).cases as {
  BIFROST_SECRET_KEY: string;
  plaintext: string;
  fernetToken: string;
  bifrostStoredValue: string;
}[];
const OTHER_KEY = "another-bifrost-ts-key-for-the-bundle-tests-0123";

let source: TestPlatform;
let src: Api;
const globalSecret = makeSecret("global stripe key", { special: true });
const acmeSecret = makeSecret("acme stripe key");
const platforms: TestPlatform[] = [];

async function fresh(options: { secretKey?: string; worker?: boolean } = {}): Promise<TestPlatform> {
  const t = await startTestPlatform(options);
  platforms.push(t);
  return t;
}
const scopeIn = async (t: TestPlatform, org: string): Promise<Scope> => orgScope((await t.platform.orgs.find(org))!);
/** What `GET /api/configs` shows per scope, without the who/when of the copy. */
async function configsOf(t: TestPlatform): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = { global: await t.platform.configs.list(GLOBAL_SCOPE) };
  for (const org of await t.platform.orgs.list()) out[org.name] = await t.platform.configs.list(orgScope(org));
  for (const list of Object.values(out))
    for (const c of list as Record<string, unknown>[]) for (const f of ["scope", "updatedAt", "updatedBy"]) delete c[f];
  return out;
}
const exportText = async (api: Api, query: string) => {
  const res = await api("GET", `/api/export${query}`);
  expect(res.status, res.text).toBe(200);
  return res.text;
};
const importDoc = (api: Api, doc: unknown, query = "", headers: Record<string, string> = {}) =>
  api("POST", `/api/import${query}`, doc, headers);

beforeAll(async () => {
  source = await fresh();
  src = source.api(source.adminToken);
  const c = source.platform.configs;
  const acme = orgScope(await source.platform.orgs.create("acme", "test"));
  await source.platform.orgs.create("Beta Corp", "test");
  await c.set(GLOBAL_SCOPE, "max_retries", { type: "int", value: 3, description: "how often to retry" }, "test");
  await c.set(GLOBAL_SCOPE, "region", { type: "string", value: "eu-west ✓" }, "test");
  await c.set(GLOBAL_SCOPE, "empty_text", { type: "string", value: "" }, "test");
  await c.set(
    GLOBAL_SCOPE,
    "features",
    { type: "json", value: { beta: true, plans: ["a", "b"], nested: { n: null } } },
    "test",
  );
  await c.set(GLOBAL_SCOPE, "json_string", { type: "json", value: JSON.stringify("just text") }, "test");
  await c.set(GLOBAL_SCOPE, "dry_run", { type: "bool", value: false }, "test");
  await c.set(
    GLOBAL_SCOPE,
    "stripe_api_key",
    { type: "secret", value: globalSecret.plaintext, description: "Stripe" },
    "test",
  );
  await c.set(acme, "max_retries", { type: "int", value: 5 }, "test");
  await c.set(acme, "stripe_api_key", { type: "secret", value: acmeSecret.plaintext }, "test");
});
afterAll(async () => {
  for (const t of platforms) await t.close();
});

describe("export", () => {
  it("writes a deterministic portable bundle: stable order, one config per line, secrets without value", async () => {
    const first = await exportText(src, "?portable=true");
    const second = await exportText(src, "?portable=true");
    const withoutTime = (text: string) => text.replace(/"exportedAt": "[^"]+"/, "");
    expect(withoutTime(second)).toBe(withoutTime(first));
    const bundle = JSON.parse(first);
    expect(bundle).toMatchObject({
      format: "bifrost-ts/bundle",
      version: 1,
      portable: true,
      orgs: [{ name: "Beta Corp" }, { name: "acme" }],
    });
    expect(bundle.keyFingerprint).toBeUndefined();
    expect(bundle.configs.map((c: { org: string | null; key: string }) => `${c.org ?? "-"}/${c.key}`)).toEqual([
      "-/dry_run",
      "-/empty_text",
      "-/features",
      "-/json_string",
      "-/max_retries",
      "-/region",
      "-/stripe_api_key",
      "acme/max_retries",
      "acme/stripe_api_key",
    ]);
    expect(bundle.configs[6]).toEqual({
      org: null,
      key: "stripe_api_key",
      type: "secret",
      description: "Stripe",
      value: null,
    });
    expect(bundle.configs[3]).toEqual({
      org: null,
      key: "json_string",
      type: "json",
      description: null,
      value: "just text",
    });
    expect(first.split("\n").filter((line) => line.startsWith('    {"org"'))).toHaveLength(9);
    expectLinesAsStringified(first);
  });

  it("carries no secret plaintext or ciphertext in a portable bundle, in any scope", async () => {
    const tokens = (await dumpAllTables(source.db)).match(/gAAAAA[A-Za-z0-9_=-]{40,}/g) ?? [];
    expect(tokens.length).toBeGreaterThanOrEqual(2);
    const texts = [
      await exportText(src, "?portable=true"),
      await exportText(src, "?portable=true&scope=acme"),
      await exportText(src, "?scope=global"),
    ];
    expect(
      findLeaks(
        texts.map((content, i) => ({ where: `export ${i}`, content })),
        [...needlesFor(globalSecret), ...needlesFor(acmeSecret)],
      ),
    ).toEqual([]);
    for (const token of tokens) for (const text of texts) expect(text).not.toContain(token.slice(0, 40));
  });

  it("limits a bundle to one scope, audits each export with counts, and keeps backups to admins", async () => {
    const acmeOnly = JSON.parse(await exportText(src, "?portable=true&scope=acme"));
    expect(acmeOnly.orgs).toEqual([{ name: "acme" }]);
    expect(acmeOnly.configs.map((c: { key: string }) => c.key)).toEqual(["max_retries", "stripe_api_key"]);
    expect(JSON.parse(await exportText(src, "?scope=global")).configs.every((c: { org: null }) => c.org === null)).toBe(
      true,
    );

    const acmeApi = source.api(await source.orgToken("acme"));
    expect(JSON.parse(await exportText(acmeApi, "")).orgs).toEqual([{ name: "acme" }]);
    expect((await acmeApi("GET", "/api/export?portable=false")).status).toBe(403);
    expect((await acmeApi("GET", "/api/export?scope=Beta%20Corp")).status).toBe(403);
    expect(
      (
        await acmeApi("POST", "/api/import", {
          format: "bifrost-ts/bundle",
          version: 1,
          portable: true,
          orgs: [],
          configs: [],
        })
      ).status,
    ).toBe(403);
    expect((await src("GET", "/api/export?portable=maybe")).body.error.code).toBe("VALIDATION_ERROR");

    const audit = (await src("GET", "/api/audit?action=bundle.export&limit=1")).body;
    expect(audit[0]).toMatchObject({
      action: "bundle.export",
      details: { portable: true, orgs: 1, configs: 2, secrets: 1 },
    });
  });
});

describe("portable round trip", () => {
  let target: TestPlatform;
  let dst: Api;
  let bundle: unknown;
  beforeAll(async () => {
    target = await fresh();
    dst = target.api(target.adminToken);
    bundle = JSON.parse(await exportText(src, "?portable=true"));
  });

  it("a dry run reports the plan and writes nothing", async () => {
    const before = await dumpAllTables(target.db);
    const res = await importDoc(dst, bundle, "?dryRun=true");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      dryRun: true,
      orgs: { created: ["Beta Corp", "acme"], existing: 0 },
      configs: { created: 9, updated: 0, unchanged: 0 },
    });
    expect(await dumpAllTables(target.db)).toBe(before);
  });

  it("reproduces every non-secret value and type exactly, and lists the secrets as needing values", async () => {
    const res = await importDoc(dst, bundle);
    expect(res.body).toMatchObject({ dryRun: false, configs: { created: 9, updated: 0, unchanged: 0 } });
    expect(res.body.needsValue).toEqual([
      { org: null, key: "stripe_api_key", howToSet: "bifrost config set stripe_api_key --secret" },
      { org: "acme", key: "stripe_api_key", howToSet: 'bifrost config set stripe_api_key --secret --org "acme"' },
    ]);
    const expected = await configsOf(source);
    for (const list of Object.values(expected) as { type: string; hasValue: boolean }[][])
      for (const c of list) if (c.type === "secret") c.hasValue = false;
    expect(await configsOf(target)).toEqual(expected);
  });

  it("keeps org shadowing, and a secret without a value says how to set it when read", async () => {
    const acme = await scopeIn(target, "acme");
    expect(await target.platform.configs.getEffective(acme, "max_retries")).toMatchObject({
      value: 5,
      resolvedFrom: acme.kind === "org" ? acme.org.id : "",
    });
    expect(await target.platform.configs.getEffective(GLOBAL_SCOPE, "max_retries")).toMatchObject({ value: 3 });
    const read = target.platform.configs.resolve(acme, "stripe_api_key", { actor: "test" });
    await expect(read).rejects.toBeInstanceOf(SecretValueMissingError);
    await expect(read).rejects.toThrow(
      'Secret "stripe_api_key" at org "acme" has no value yet (imported without it): set it with `bifrost config set stripe_api_key --secret --org acme`',
    );
  });

  it("changes nothing when the same bundle is imported again", async () => {
    const rows = async () => ({
      orgs: await target.platform.db.prisma.org.findMany({ orderBy: { id: "asc" } }),
      configs: await target.platform.db.prisma.config.findMany({ orderBy: { id: "asc" } }),
    });
    const before = await rows();
    const res = await importDoc(dst, bundle);
    expect(res.body).toMatchObject({
      configs: { created: 0, updated: 0, unchanged: 9 },
      orgs: { created: [], existing: 2 },
      changes: [],
    });
    expect(await rows()).toEqual(before);
  });

  it("never overwrites an existing secret with null, and updates what differs", async () => {
    await dst("PUT", "/api/configs/stripe_api_key", { type: "secret", value: "target-own-value" });
    await dst("PUT", "/api/configs/region", { type: "string", value: "changed in target" });
    const res = await importDoc(dst, bundle);
    expect(res.body.configs).toEqual({ created: 0, updated: 1, unchanged: 8 });
    expect(res.body.changes).toEqual([{ org: null, key: "region", type: "string", change: "updated" }]);
    expect(res.body.needsValue.map((n: { org: string | null }) => n.org)).toEqual(["acme"]);
    expect((await target.platform.configs.resolve(GLOBAL_SCOPE, "stripe_api_key", { actor: "test" })).value).toBe(
      "target-own-value",
    );
    expect((await target.platform.configs.getEffective(GLOBAL_SCOPE, "region")).value).toBe("eu-west ✓");
  });
});

describe("backups", () => {
  let backup: { keyFingerprint: string; configs: { key: string; encrypted?: string }[] };
  let backupText: string;
  beforeAll(async () => {
    backupText = await exportText(src, "?portable=false");
    backup = JSON.parse(backupText);
  });

  it("carry each secret's Fernet token and the key fingerprint", () => {
    expectLinesAsStringified(backupText);
    expect(backup.keyFingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(backup.configs.filter((c) => c.encrypted).map((c) => c.key)).toEqual(["stripe_api_key", "stripe_api_key"]);
    expect(JSON.stringify(backup)).not.toContain(globalSecret.core);
  });

  it("restore secrets under the same key", async () => {
    const target = await fresh();
    const res = await importDoc(target.api(target.adminToken), backup);
    expect(res.body).toMatchObject({ configs: { created: 9 }, needsValue: [] });
    expect((await target.platform.configs.resolve(GLOBAL_SCOPE, "stripe_api_key", { actor: "test" })).value).toBe(
      globalSecret.plaintext,
    );
    expect(
      (await target.platform.configs.resolve(await scopeIn(target, "acme"), "stripe_api_key", { actor: "test" })).value,
    ).toBe(acmeSecret.plaintext);
  });

  it("are refused under another key without the source key, and re-encrypted with it", async () => {
    const target = await fresh({ secretKey: OTHER_KEY });
    const api = target.api(target.adminToken);
    const before = await dumpAllTables(target.db);
    const refused = await importDoc(api, backup);
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({
      code: "BUNDLE_KEY_MISMATCH",
      message: expect.stringContaining(backup.keyFingerprint),
    });
    const wrongKey = await importDoc(api, backup, "", {
      "Bifrost-Source-Secret-Key": "not-the-source-key-but-long-enough-0123456789",
    });
    expect(wrongKey.body.error.code).toBe("BUNDLE_KEY_MISMATCH");
    expect(await dumpAllTables(target.db)).toBe(before);

    const res = await importDoc(api, backup, "", {
      "Bifrost-Source-Secret-Key": "test-secret-key-0123456789-abcdefghijklmnop",
    });
    expect(res.status, res.text).toBe(200);
    expect((await target.platform.configs.resolve(GLOBAL_SCOPE, "stripe_api_key", { actor: "test" })).value).toBe(
      globalSecret.plaintext,
    );
    const rows = await target.platform.db.prisma.config.findMany({ where: { type: "secret" } });
    expect(new Set(rows.map((r) => r.keyFingerprint))).toEqual(new Set([target.platform.cipher.fingerprint]));
    expect(rows.map((r) => r.encrypted)).not.toContain(backup.configs.find((c) => c.encrypted)!.encrypted);
    expect(target.logs()).not.toContain("test-secret-key-0123456789");
  });
});

describe("Python Bifrost exports", () => {
  /** A Bifrost configs export as its REST API writes it, with the shared derivation vector's secret. */
  const bifrostExport = (vector: (typeof vectors)[number], extra: object[] = []) => ({
    bifrost_export_version: "1.0",
    entity_type: "configs",
    contains_encrypted_values: true,
    items: [
      {
        key: "region",
        value: "eu",
        config_type: "string",
        description: "Region",
        organization_id: null,
        organization_name: null,
        integration_name: null,
      },
      {
        key: "max_retries",
        value: "5",
        config_type: "int",
        description: null,
        organization_id: "7f0c",
        organization_name: "Acme Corp",
        integration_name: null,
      },
      {
        key: "enabled",
        value: "True",
        config_type: "bool",
        description: null,
        organization_id: null,
        organization_name: null,
        integration_name: null,
      },
      {
        key: "plans",
        value: '{"gold": [1, 2]}',
        config_type: "json",
        description: null,
        organization_id: null,
        organization_name: null,
        integration_name: null,
      },
      {
        key: "stripe_api_key",
        value: vector.bifrostStoredValue,
        config_type: "secret",
        description: "Stripe",
        organization_id: "7f0c",
        organization_name: "Acme Corp",
        integration_name: null,
      },
      ...extra,
    ],
  });

  it("imports with values coerced to their types and secrets readable in a workflow", async () => {
    const target = await fresh({ worker: true });
    const [vector, unicodeVector] = vectors;
    const file = join(target.db.dir, "bifrost-configs.json");
    writeFileSync(file, JSON.stringify(bifrostExport(vector)));
    const cli = await runCli(["import", "--from-bifrost", file, "--source-secret-key", vector.BIFROST_SECRET_KEY], {
      env: target.env(),
    });
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toContain("configs: 5 created, 0 updated, 0 unchanged; orgs: 1 created (Acme Corp), 0 existing");

    const acme = await scopeIn(target, "Acme Corp");
    expect((await target.platform.configs.getEffective(acme, "max_retries")).value).toBe(5);
    expect((await target.platform.configs.getEffective(GLOBAL_SCOPE, "enabled")).value).toBe(true);
    expect((await target.platform.configs.getEffective(GLOBAL_SCOPE, "plans")).value).toEqual({ gold: [1, 2] });

    // A second Bifrost instance (another key, a non-ASCII secret) into the same target, global scope.
    const second = bifrostExport(unicodeVector);
    second.items = [{ ...second.items[4], key: "github_token", organization_id: null, organization_name: null }];
    const res = await importDoc(target.api(target.adminToken), second, "?format=bifrost", {
      "Bifrost-Source-Secret-Key": unicodeVector.BIFROST_SECRET_KEY,
    });
    expect(res.status, res.text).toBe(200);

    const api = target.api(target.adminToken);
    const digest = async (key: string, scope: string) =>
      (
        await api("POST", `/api/workflows/secret_digest/executions?scope=${encodeURIComponent(scope)}&wait=20000`, {
          params: { key },
        })
      ).body;
    const sha = (text: string) => createHash("sha256").update(text).digest("hex");
    // secret_digest declares both keys, so both must resolve: give the org run a github_token (global) too.
    expect(await digest("stripe_api_key", "Acme Corp")).toMatchObject({
      status: "success",
      result: { sha256: sha(vector.plaintext) },
    });
    await target.platform.configs.set(
      GLOBAL_SCOPE,
      "stripe_api_key",
      { type: "secret", value: "global-placeholder" },
      "test",
    );
    expect(await digest("github_token", "global")).toMatchObject({
      status: "success",
      result: { sha256: sha(unicodeVector.plaintext) },
    });
  });

  it.each([
    ["a wrong version", (d: any) => ({ ...d, bifrost_export_version: "2.0" }), "bifrost_export_version"],
    ["another entity type", (d: any) => ({ ...d, entity_type: "workflows" }), "entity_type"],
    [
      "an unknown config_type",
      (d: any) => ({ ...d, items: [{ ...d.items[0], config_type: "float" }] }),
      "items[0].config_type",
    ],
    [
      "an int that is not one",
      (d: any) => ({ ...d, items: [d.items[0], { ...d.items[1], value: "five" }] }),
      "items[1].value",
    ],
    ["a secret under another key", (d: any) => d, "items[4].value"],
  ])("refuses %s with its path, changing nothing", async (_what, mutate, path) => {
    const target = platforms[0];
    const before = await dumpAllTables(target.db);
    const res = await importDoc(target.api(target.adminToken), mutate(bifrostExport(vectors[0])), "?format=bifrost", {
      "Bifrost-Source-Secret-Key":
        path === "items[4].value" ? vectors[1].BIFROST_SECRET_KEY : vectors[0].BIFROST_SECRET_KEY,
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues.map((i: { path: string }) => i.path)).toContain(path);
    expect(await dumpAllTables(target.db)).toBe(before);
  });
});

describe("malformed bundles", () => {
  const valid = () => ({
    format: "bifrost-ts/bundle",
    version: 1,
    portable: true,
    orgs: [{ name: "acme" }],
    configs: [
      { org: null, key: "a", type: "int", description: null, value: 1 },
      { org: "acme", key: "b", type: "string", description: "ok", value: "x" },
    ],
  });
  const entry = (patch: object) => (d: any) => ({ ...d, configs: [{ ...d.configs[0], ...patch }, d.configs[1]] });
  const cases: [string, (d: any) => unknown, string, string?][] = [
    ["not an object", () => [1, 2], ""],
    ["a wrong format", (d) => ({ ...d, format: "other" }), "format"],
    ["an unsupported version", (d) => ({ ...d, version: 2 }), "version", "unsupported version 2"],
    ["no portable flag", ({ portable: _p, ...d }) => d, "portable"],
    ["an unknown top-level field", (d) => ({ ...d, extra: true }), ""],
    ["configs that are not a list", (d) => ({ ...d, configs: {} }), "configs"],
    ["an unknown config field", entry({ secretValue: "x" }), "configs[0]"],
    ["an unknown type", entry({ type: "float" }), "configs[0].type"],
    ["an int given as a string", entry({ value: "5" }), "configs[0].value", "expected an integer, got a string"],
    ["an int with a fraction", entry({ value: 1.5 }), "configs[0].value"],
    ["a bool given as a string", entry({ type: "bool", value: "true" }), "configs[0].value"],
    ["a string given as a number", entry({ type: "string", value: 5 }), "configs[0].value"],
    ["an invalid key", entry({ key: "bad key!" }), "configs[0].key"],
    ["an empty key", entry({ key: "" }), "configs[0].key"],
    [
      "a duplicate entry (same key once normalized)",
      (d) => ({ ...d, configs: [...d.configs, { ...d.configs[0], key: "A" }] }),
      "configs[2]",
      "duplicate of configs[0]",
    ],
    ["an org not listed", entry({ org: "nowhere" }), "configs[0].org"],
    ["a reserved org name", (d) => ({ ...d, orgs: [{ name: "global" }] }), "orgs[0].name"],
    ["two orgs differing only in case", (d) => ({ ...d, orgs: [{ name: "acme" }, { name: "ACME" }] }), "orgs[1].name"],
    ["a secret with a plaintext value", entry({ type: "secret", value: "sk_live_plain" }), "configs[0].value"],
    [
      "an encrypted value in a portable bundle",
      entry({ type: "secret", value: null, encrypted: "gAAAAAB" }),
      "configs[0].encrypted",
    ],
    [
      "an encrypted value without keyFingerprint",
      (d) => entry({ type: "secret", value: null, encrypted: "gAAAAAB" })({ ...d, portable: false }),
      "configs[0].encrypted",
    ],
    ["a description over 1000 characters", entry({ description: "d".repeat(1001) }), "configs[0].description"],
    ["a description with NUL", entry({ description: "a\u0000b" }), "configs[0].description"],
    ["a json value over 256 KiB", entry({ type: "json", value: { big: "x".repeat(300 * 1024) } }), "configs[0].value"],
    ["a malformed exportedAt", (d) => ({ ...d, exportedAt: "yesterday" }), "exportedAt"],
    ["a malformed keyFingerprint", (d) => ({ ...d, portable: false, keyFingerprint: "xyz" }), "keyFingerprint"],
    ["a keyFingerprint on a portable bundle", (d) => ({ ...d, keyFingerprint: "0123456789abcdef" }), "keyFingerprint"],
  ];

  let target: TestPlatform;
  let api: Api;
  beforeAll(async () => {
    target = await fresh();
    api = target.api(target.adminToken);
  });

  it.each(cases)("refuses %s with its path and changes nothing", async (_what, mutate, path, message) => {
    const before = await dumpAllTables(target.db);
    const res = await importDoc(api, mutate(valid()));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_ERROR");
    const issue = (res.body.error.details.issues as { path: string; message: string }[]).find((i) => i.path === path);
    expect(issue, JSON.stringify(res.body.error.details.issues)).toBeDefined();
    if (message) expect(issue!.message).toContain(message);
    expect(await dumpAllTables(target.db)).toBe(before);
  });

  it("reports every problem of a bundle at once, each with its path", async () => {
    const doc = valid();
    doc.configs.push(
      { org: null, key: "c", type: "int", description: null, value: "x" as unknown as number },
      { org: null, key: "d d!", type: "bool", description: null, value: 1 },
    );
    const res = await importDoc(api, doc);
    expect(res.body.error.details.issues.map((i: { path: string }) => i.path)).toEqual([
      "configs[2].value",
      "configs[3].key",
      "configs[3].value",
    ]);
    expect(res.body.error.message).toMatch(/^configs\[2\]\.value: expected an integer/);
  });

  it("imports the valid document itself (the table's baseline is not refused for another reason)", async () => {
    expect((await importDoc(api, valid(), "?dryRun=true")).status).toBe(200);
  });
});

describe("large bundles", () => {
  it("10,000 configs across 100 orgs import, export and re-import unchanged", async () => {
    const target = await fresh();
    const api = target.api(target.adminToken);
    const orgs = Array.from({ length: 100 }, (_, i) => ({ name: `org-${String(i).padStart(3, "0")}` }));
    const configs = orgs.flatMap((o, i) =>
      Array.from({ length: 100 }, (_, k) => ({
        org: o.name,
        key: `key_${k}`,
        type: k % 10 === 0 ? "secret" : "int",
        description: null,
        value: k % 10 === 0 ? null : i * 1000 + k,
      })),
    );
    const doc = { format: "bifrost-ts/bundle", version: 1, portable: true, orgs, configs };
    const res = await importDoc(api, doc);
    expect(res.status, res.text.slice(0, 300)).toBe(200);
    expect(res.body.configs).toEqual({ created: 10_000, updated: 0, unchanged: 0 });
    expect(res.body.needsValue).toHaveLength(1_000);

    const exported = JSON.parse(await exportText(api, "?portable=true"));
    expect(exported.orgs).toHaveLength(100);
    expect(exported.configs).toHaveLength(10_000);
    expect((await importDoc(api, exported)).body.configs).toEqual({ created: 0, updated: 0, unchanged: 10_000 });
  }, 120_000);
});

describe("CLI", () => {
  it("exports to a file and imports it with a dry run first", async () => {
    const target = await fresh();
    const file = join(source.db.dir, `bundle-${randomBytes(3).toString("hex")}.json`);
    const exported = await runCli(["export", "--portable", "-o", file], { env: source.env() });
    expect(exported.code, exported.stderr).toBe(0);
    expect(JSON.parse(readFileSync(file, "utf8")).configs).toHaveLength(9);

    const backupOut = await runCli(["export"], { env: source.env() });
    expect(JSON.parse(backupOut.stdout).keyFingerprint).toMatch(/^[0-9a-f]{16}$/);

    const dry = await runCli(["import", file, "--dry-run"], { env: target.env() });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(
      /^dry run, nothing written: configs: 9 created, 0 updated, 0 unchanged; orgs: 2 created \(Beta Corp, acme\)/,
    );
    expect(dry.stdout).toContain('bifrost config set stripe_api_key --secret --org "acme"');
    expect(dry.stderr).toMatch(/^checking .*bundle-\w+\.json \(\d+ KB\)…\ndone in \d/);

    const bad = await runCli(["import", join(source.db.dir, "missing.json")], { env: target.env() });
    expect(bad.code).toBe(2); // a bad argument
    expect(bad.stderr).toMatch(/^bifrost: cannot read/);
  });
});

/** The exporter writes each config's line itself: it must be the text JSON.stringify gives, fields in the schema's order. */
function expectLinesAsStringified(text: string): void {
  const lines = text.split("\n").filter((line) => line.startsWith('    {"org"'));
  const configs = (JSON.parse(text) as { configs: unknown[] }).configs;
  expect(lines.map((line) => line.trim().replace(/,$/, ""))).toEqual(
    configs.map((c) => JSON.stringify(BundleConfig.parse(c))),
  );
}
