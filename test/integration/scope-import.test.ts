import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GLOBAL_SCOPE } from "../../src/orgs/index.ts";
import { findLeaks, makeSecret, needlesFor } from "../support/leak-search.ts";
import { dumpAllTables } from "../support/test-database.ts";
import { startTestPlatform, type Api, type TestPlatform } from "../support/test-platform.ts";

// POST /api/configs/import: one scope's keys from a .env or JSON file (the console's import),
// secrets given as values, all or nothing, with a dry run that writes nothing.

let t: TestPlatform;
let api: Api;
const secret = makeSecret("imported stripe key", { special: true });
beforeAll(async () => {
  t = await startTestPlatform();
  api = t.api(t.adminToken);
  await t.platform.orgs.create("acme", "test");
});
afterAll(() => t?.close());

describe("importing keys into a scope", () => {
  it("previews created, updated and unchanged, writing nothing, then writes the same", async () => {
    await api("PUT", "/api/configs/region?scope=acme", {
      type: "string",
      value: "eu-west",
      description: "Where data lives",
    });
    await api("PUT", "/api/configs/max_retries?scope=acme", { type: "int", value: 3 });
    const body = {
      configs: [
        { key: "REGION", type: "string", value: "eu-west" },
        { key: "max-retries", type: "int", value: "5" },
        { key: "STRIPE_API_KEY", type: "secret", value: secret.plaintext },
      ],
    };
    const before = await dumpAllTables(t.db);
    const preview = await api("POST", "/api/configs/import?scope=acme&dryRun=true", body);
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    expect(preview.body).toMatchObject({ dryRun: true, configs: { created: 1, updated: 1, unchanged: 1 } });
    expect(preview.body.changes).toEqual([
      { org: "acme", key: "max_retries", type: "int", change: "updated" },
      { org: "acme", key: "stripe_api_key", type: "secret", change: "created" },
    ]);
    expect(await dumpAllTables(t.db)).toBe(before);

    const done = await api("POST", "/api/configs/import?scope=acme", body);
    expect(done.body).toMatchObject({ dryRun: false, configs: { created: 1, updated: 1, unchanged: 1 } });
    const list = (await api("GET", "/api/configs?scope=acme")).body as {
      key: string;
      value: unknown;
      masked: boolean;
      description: string | null;
    }[];
    expect(list.map((c) => [c.key, c.value, c.masked, c.description])).toEqual([
      ["max_retries", 5, false, null],
      ["region", "eu-west", false, "Where data lives"], // no description given: its own stays
      ["stripe_api_key", null, true, null],
    ]);
    const acme = (await t.platform.orgs.find("acme"))!;
    expect(
      (await t.platform.configs.resolve({ kind: "org", org: acme }, "stripe_api_key", { actor: "test" })).value,
    ).toBe(secret.plaintext);
    // Stored encrypted, audited in the org, never in plaintext anywhere in the database.
    expect(findLeaks([{ where: "tables", content: await dumpAllTables(t.db) }], needlesFor(secret))).toEqual([]);
    const audit = await api("GET", "/api/audit?scope=acme&action=bundle.import");
    expect(audit.body[0]).toMatchObject({ scope: acme.id, details: { format: "scope", created: 1, updated: 1 } });
  });

  it("never says a secret sent again is unchanged: that would confirm a guess", async () => {
    const again = await api("POST", "/api/configs/import?scope=acme&dryRun=true", {
      configs: [{ key: "STRIPE_API_KEY", type: "secret", value: secret.plaintext }],
    });
    expect(again.body.configs).toEqual({ created: 0, updated: 1, unchanged: 0 });
  });

  it("refuses every bad entry with its path, writing nothing", async () => {
    const before = await dumpAllTables(t.db);
    const res = await api("POST", "/api/configs/import?scope=acme", {
      configs: [
        { key: "ok_key", type: "string", value: "fine" },
        { key: "bad key!", type: "string", value: "x" },
        { key: "count", type: "int", value: "many" },
        { key: "OK-KEY", type: "string", value: "again" },
        { key: "short", type: "secret", value: "" },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_ERROR");
    expect(res.body.error.details.issues.map((i: { path: string }) => i.path)).toEqual([
      "configs[1].key",
      "configs[2].value",
      "configs[3]",
      "configs[4].value",
    ]);
    expect(await dumpAllTables(t.db)).toBe(before);
    for (const body of [{}, { configs: [] }, { configs: [{ key: "a", type: "float", value: 1 }] }, []]) {
      expect((await api("POST", "/api/configs/import?scope=acme", body)).status).toBe(400);
    }
  });

  it("lets an org token import into its own org only", async () => {
    const token = await t.orgToken("acme");
    const own = await t.api(token)("POST", "/api/configs/import", {
      configs: [{ key: "from_org", type: "bool", value: true }],
    });
    expect(own.status).toBe(200);
    expect((await t.platform.configs.list(GLOBAL_SCOPE)).map((c) => c.key)).not.toContain("from_org");
    const global = await t.api(token)("POST", "/api/configs/import?scope=global", {
      configs: [{ key: "x", type: "bool", value: true }],
    });
    expect(global.status).toBe(403);
  });
});
