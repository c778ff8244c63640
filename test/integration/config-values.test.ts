import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestPlatform, type Api, type TestPlatform } from "../support/test-platform.ts";

let t: TestPlatform;
let api: Api;
beforeAll(async () => {
  t = await startTestPlatform();
  api = t.api(t.adminToken);
});
afterAll(() => t?.close());

// [type, value written, value config.get returns] — from ../shared/CONTRACT.md
const accepted: [string, unknown, unknown][] = [
  ["string", "hello", "hello"],
  ["string", "", ""],
  ["string", "ünïcødé ✓", "ünïcødé ✓"],
  ["int", 42, 42],
  ["int", "42", 42],
  ["int", -7, -7],
  ["int", "-7", -7],
  ["int", 0, 0],
  ["int", Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  ["bool", true, true],
  ["bool", false, false],
  ["bool", "true", true],
  ["bool", "FALSE", false],
  ["bool", "True", true],
  ["json", { a: [1, 2, { b: null }] }, { a: [1, 2, { b: null }] }],
  ["json", [1, "two"], [1, "two"]],
  ["json", 3.5, 3.5],
  ["json", null, null],
  ["json", '{"parsed": true}', { parsed: true }],
  ["json", '"a json string"', "a json string"],
];

// [type, value, what the message must say]
const rejected: [string, unknown, RegExp][] = [
  ["string", 42, /expected a JSON string, got an integer/],
  ["string", null, /expected a JSON string, got null/],
  ["string", { a: 1 }, /expected a JSON string/],
  ["int", 1.5, /fraction/],
  ["int", "abc", /not one/],
  ["int", "1.5", /not one/],
  ["int", "", /not one/],
  ["int", true, /got a boolean/],
  ["int", null, /got null/],
  ["int", 2 ** 53, /between/],
  ["int", "99999999999999999999", /between/],
  ["bool", "yes", /expected true or false/],
  ["bool", 1, /expected true or false/],
  ["bool", null, /expected true or false/],
  ["json", "{not json", /does not parse/],
  ["json", "hello", /does not parse/],
  ["secret", "", /must not be empty/],
  ["secret", 12345, /expected a string/],
  ["secret", "x".repeat(64 * 1024 + 1), /at most 64 KiB/],
  ["string", "x".repeat(300 * 1024), /at most 256 KiB/],
];

describe("typed values", () => {
  describe("accepted on write, returned typed", () => {
    accepted.forEach(([type, input, expected], i) => {
      it(`${type} ${JSON.stringify(input)} -> ${JSON.stringify(expected)}`, async () => {
        const key = `accepted_${i}`;
        const put = await api("PUT", `/api/configs/${key}`, { type, value: input });
        expect(put.status, put.text).toBe(201);
        expect(put.body).toMatchObject({ key, type, value: expected, masked: false });
        const get = await api("GET", `/api/configs/${key}`);
        expect(get.body.value).toStrictEqual(expected);
        // The one storage form: JSON text of the typed value.
        const row = await t.platform.db.prisma.config.findFirstOrThrow({ where: { key } });
        expect(row.value).toBe(JSON.stringify(expected));
      });
    });
  });

  describe("rejected with 400 naming key and type, changing nothing", () => {
    rejected.forEach(([type, input, message], i) => {
      it(`${type} ${JSON.stringify(input)?.slice(0, 30)}`, async () => {
        const key = `rejected_${i}`;
        // An existing value must survive a rejected overwrite.
        await api("PUT", `/api/configs/${key}`, { type: "string", value: "before" });
        const auditBefore = await t.platform.db.prisma.auditEvent.count();
        const put = await api("PUT", `/api/configs/${key}`, { type, value: input });
        expect(put.status).toBe(400);
        expect(put.body.error.code).toBe("INVALID_CONFIG_VALUE");
        expect(put.body.error.message).toMatch(message);
        expect(put.body.error.message).toContain(`"${key}"`);
        expect(put.body.error.message).toContain(type);
        const get = await api("GET", `/api/configs/${key}`);
        expect(get.body).toMatchObject({ type: "string", value: "before" });
        expect(await t.platform.db.prisma.auditEvent.count()).toBe(auditBefore);
      });
    });
  });

  it("refuses a body of the wrong shape with each problem's path", async () => {
    const res = await api("PUT", "/api/configs/shape", { type: "float", value: 1, extra: true, description: 5 });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_ERROR");
    const paths = res.body.error.details.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(expect.arrayContaining(["body.type", "body.description", "body"]));
    expect((await api("GET", "/api/configs/shape")).status).toBe(404);
  });

  it("refuses a missing value, invalid JSON and a non-JSON body", async () => {
    expect((await api("PUT", "/api/configs/nv", { type: "string" })).body.error.message).toMatch(/value is required/);
    const bad = await api("PUT", "/api/configs/nv", "{oops", {});
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: "VALIDATION_ERROR", message: "body: not valid JSON" });
    const text = await fetch(`${t.url}/api/configs/nv`, {
      method: "PUT",
      headers: { authorization: `Bearer ${t.adminToken}`, "content-type": "text/plain" },
      body: "x",
    });
    expect(text.status).toBe(415);
  });

  it("refuses bodies over the size limit with 413", async () => {
    const res = await api("PUT", "/api/configs/big", { type: "string", value: "x".repeat(2 * 1024 * 1024) });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe("PAYLOAD_TOO_LARGE");
  });

  it("replaces a value and its type on upsert (200), keeping the description unless given", async () => {
    expect((await api("PUT", "/api/configs/retries", { type: "int", value: 3, description: "how often" })).status).toBe(
      201,
    );
    const updated = await api("PUT", "/api/configs/retries", { type: "string", value: "three" });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ type: "string", value: "three", description: "how often" });
    const cleared = await api("PUT", "/api/configs/retries", { type: "string", value: "three", description: null });
    expect(cleared.body.description).toBeNull();
  });
});

describe("config keys", () => {
  const normalized: [string, string][] = [
    ["Stripe-API-Key", "stripe_api_key"],
    ["stripe.api.key", "stripe_api_key"],
    ["Stripe API Key", "stripe_api_key"],
    ["STRIPE_API_KEY", "stripe_api_key"],
    ["a", "a"],
    ["x".repeat(255), "x".repeat(255)],
  ];

  it.each(normalized)("%s is stored and read as %s by every reader", async (written, canonical) => {
    await api("PUT", `/api/configs/${encodeURIComponent(written)}`, { type: "int", value: 1 });
    const list = await api("GET", "/api/configs");
    expect(list.body.map((c: { key: string }) => c.key)).toContain(canonical);
    for (const spelling of [written, canonical, canonical.toUpperCase()]) {
      const res = await api("GET", `/api/configs/${encodeURIComponent(spelling)}`);
      expect(res.status).toBe(200);
      expect(res.body.key).toBe(canonical);
    }
    expect(await t.platform.configs.resolve({ kind: "global" }, written, { actor: "test" })).toMatchObject({
      key: canonical,
      value: 1,
    });
  });

  it("writes to two spellings of one key land on one row", async () => {
    await api("PUT", "/api/configs/Same-Key", { type: "string", value: "a" });
    await api("PUT", "/api/configs/same.key", { type: "string", value: "b" });
    expect(await t.platform.db.prisma.config.count({ where: { key: "same_key" } })).toBe(1);
  });

  it.each([
    ["x".repeat(256), /at most 255/],
    ["ключ", /only letters/],
    ["a/b", null],
    ["semi;colon", /only letters/],
    ["emoji✓", /only letters/],
  ])("refuses %s with 400 INVALID_CONFIG_KEY", async (key, message) => {
    const res = await api("PUT", `/api/configs/${encodeURIComponent(key)}`, { type: "string", value: "v" });
    expect(res.status).toBe(key === "a/b" ? 400 : 400);
    expect(res.body.error.code).toBe("INVALID_CONFIG_KEY");
    if (message) expect(res.body.error.message).toMatch(message);
  });
});
