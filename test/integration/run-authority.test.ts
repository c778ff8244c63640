import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dumpAllTables } from "../support/test-database.ts";
import { findLeaks, makeSecret, needlesFor } from "../support/leak-search.ts";
import { startTestPlatform, type Api, type TestPlatform } from "../support/test-platform.ts";

// What a run may change: the rights of whoever started it (an org token's run stays in its org),
// and never a secret value it holds stored where anyone in its scope can read it.

let t: TestPlatform;
let admin: Api;
let acme: Api;
const secret = makeSecret("run authority secret", { special: true });
const user = makeSecret("run authority user value");

beforeAll(async () => {
  t = await startTestPlatform({ worker: true });
  admin = t.api(t.adminToken);
  acme = t.api(await t.orgToken("authority-acme"));
  await admin("PUT", "/api/configs/api_secret", { type: "secret", value: secret.plaintext });
});
afterAll(() => t?.close());

const setConfig = (api: Api, params: Record<string, unknown>, query = "", headers: Record<string, string> = {}) =>
  api("POST", `/api/workflows/set_config/executions?wait=20000${query}`, { params }, headers);
const denials = async (key: string) =>
  (await admin("GET", `/api/audit?action=config.denied&key=${key}`)).body as {
    actor: string;
    scope: string;
    executionId: string;
  }[];

describe("run authority", () => {
  it("refuses a global write from a run an org token started, audited, and changes nothing", async () => {
    const res = await setConfig(acme, { key: "max_retries", value: 99, scope: "global" });
    expect(res.body).toMatchObject({
      status: "failed",
      error: expect.stringMatching(
        /^ScopeAccessError: Workflow "set_config" may not set "max_retries" at global scope/,
      ),
    });
    expect((await admin("GET", "/api/configs/max_retries?scope=global")).body.error.code).toBe("CONFIG_NOT_FOUND");
    expect(await denials("max_retries")).toEqual([
      expect.objectContaining({ actor: "workflow:set_config", scope: "global", executionId: res.body.id }),
    ]);
  });

  it("lets an org token's run write in its own org", async () => {
    const res = await setConfig(acme, { key: "cursor", value: "page-2" });
    expect(res.body.status).toBe("success");
    expect((await acme("GET", "/api/configs/cursor")).body).toMatchObject({
      value: "page-2",
      resolvedFrom: res.body.scope,
    });
  });

  it("lets a run an admin token started in an org write global configs", async () => {
    const res = await setConfig(admin, { key: "shared_limit", value: 7, scope: "global" }, "&scope=authority-acme");
    expect(res.body.status).toBe("success");
    expect((await admin("GET", "/api/configs/shared_limit?scope=global")).body).toMatchObject({
      value: 7,
      resolvedFrom: "global",
    });
  });
});

describe("secret values copied into plain configs", () => {
  it.each([
    ["as it is", "plain"],
    ["inside JSON", "json"],
    ["boxed (new String)", "boxed"],
    ["boxed inside JSON", "boxed_json"],
  ])(
    "refuses a secret value the run read, %s, stored as a plain config: nothing stored, audited",
    async (_how, copy) => {
      const key = `copy_${copy}`;
      const res = await setConfig(admin, { key, copy });
      expect(res.body).toMatchObject({
        status: "failed",
        error: expect.stringMatching(
          new RegExp(`^SecretCopyError: Workflow "set_config" tried to store a secret value in "${key}"`),
        ),
      });
      expect((await admin("GET", `/api/configs/${key}`)).status).toBe(404);
      expect(await denials(key)).toHaveLength(1);
    },
  );

  it("refuses a per-user config value stored as a plain config", async () => {
    const res = await setConfig(acme, { key: "copy_user", copy: "user" }, "", { "Config-User-Token": user.plaintext });
    expect(res.body).toMatchObject({ status: "failed", error: expect.stringMatching(/^SecretCopyError/) });
    expect((await acme("GET", "/api/configs/copy_user")).status).toBe(404);
  });

  it("stores the same value as a secret, and no plaintext lands anywhere", async () => {
    const res = await setConfig(acme, { key: "copy_secret", copy: "plain", secret: true });
    expect(res.body.status).toBe("success");
    expect((await acme("GET", "/api/configs/copy_secret")).body).toMatchObject({
      type: "secret",
      value: null,
      masked: true,
    });
    const leaks = findLeaks(
      [
        { where: "database tables", content: await dumpAllTables(t.db) },
        { where: "server log", content: t.logs() },
      ],
      [...needlesFor(secret), ...needlesFor(user)],
    );
    expect(leaks).toEqual([]);
  });
});
