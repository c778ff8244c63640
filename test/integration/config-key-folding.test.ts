import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestPlatform, type Api, type TestPlatform } from "../support/test-platform.ts";

// A key written with a character that Unicode case folding turns into ASCII (the Kelvin sign,
// U+212A, lowercases to "k") names no config: it is refused everywhere, and never reaches the
// config whose key it would fold into.

const KELVIN = "\u212A";
let t: TestPlatform;
let admin: Api;

beforeAll(async () => {
  t = await startTestPlatform();
  admin = t.api(t.adminToken);
  await admin("PUT", "/api/configs/api_key", { type: "string", value: "the real one" });
});
afterAll(() => t?.close());

describe("a key with a Kelvin sign", () => {
  const path = `/api/configs/${encodeURIComponent(`api_${KELVIN}ey`)}`;

  it("is refused by every reader and writer of the API, naming the character", async () => {
    const rows = await t.platform.db.prisma.config.findMany({ orderBy: { id: "asc" } });
    for (const [method, body] of [["PUT", { type: "string", value: "shadow" }], ["GET"], ["DELETE"]] as const) {
      const res = await admin(method, path, body);
      expect({ status: res.status, code: res.body.error?.code }, `${method} ${res.text}`).toEqual({
        status: 400,
        code: "INVALID_CONFIG_KEY",
      });
      expect(res.body.error.message).toContain("U+212A");
    }
    expect((await admin("GET", `/api/audit?key=${encodeURIComponent(`api_${KELVIN}ey`)}`)).status).toBe(400);
    expect(await t.platform.db.prisma.config.findMany({ orderBy: { id: "asc" } })).toEqual(rows);
    expect((await admin("GET", "/api/configs/api_key")).body.value).toBe("the real one");
  });

  it("is refused in an import, with its path", async () => {
    const bundle = {
      format: "bifrost-ts/bundle",
      version: 1,
      portable: true,
      orgs: [],
      configs: [{ org: null, key: `api_${KELVIN}ey`, type: "string", description: null, value: "shadow" }],
    };
    const res = await admin("POST", "/api/import", bundle);
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues).toEqual([
      { path: "configs[0].key", message: expect.stringContaining("U+212A") },
    ]);
    expect((await admin("GET", "/api/configs/api_key")).body.value).toBe("the real one");
  });
});
