import { brotliCompressSync, deflateSync, gzipSync } from "node:zlib";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_BODY_DEPTH, MAX_VALUE_DEPTH } from "../../src/storage/storable-json.ts";
import { startTestPlatform, type Api, type TestPlatform } from "../support/test-platform.ts";

// Requests the platform cannot read or could not store: a path whose percent-escapes spell no
// UTF-8, a body whose Content-Encoding does not decode, JSON nested thousands deep, a lone UTF-16
// surrogate in any string. Each is a 400 with a stable code, and changes nothing.

let t: TestPlatform;
let admin: Api;

beforeAll(async () => {
  t = await startTestPlatform();
  admin = t.api(t.adminToken);
  await t.orgToken("acme");
  await admin("PUT", "/api/configs/existing", { type: "string", value: "v" });
});
afterAll(() => t?.close());

/** Every config, org, audit row and execution: what a refused request must leave as it was. */
async function state(): Promise<string> {
  const prisma = t.platform.db.prisma;
  const [configs, orgs, audit, executions] = await Promise.all([
    prisma.config.findMany({ orderBy: { id: "asc" } }),
    prisma.org.findMany({ orderBy: { id: "asc" } }),
    prisma.auditEvent.count(),
    prisma.execution.count(),
  ]);
  return JSON.stringify({ configs, orgs, audit, executions });
}

interface Answer {
  status: number;
  body: any;
  text: string;
}

/** Sends a raw body (text or bytes) with the admin token. */
async function send(
  method: string,
  path: string,
  body?: string | Buffer,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const response = await fetch(t.url + path, {
    method,
    headers: {
      authorization: `Bearer ${t.adminToken}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...headers,
    },
    body,
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = text;
  }
  return { status: response.status, body: parsed, text };
}

/** Expects a 400 with `code` and nothing changed; returns the answer. */
async function refused(
  code: string,
  method: string,
  path: string,
  body?: string | Buffer,
  headers?: Record<string, string>,
): Promise<Answer> {
  const before = await state();
  const answer = await send(method, path, body, headers);
  expect(
    { status: answer.status, code: answer.body?.error?.code },
    `${method} ${path}: ${answer.text.slice(0, 300)}`,
  ).toEqual({ status: 400, code });
  expect(await state(), `${method} ${path} changed something`).toBe(before);
  return answer;
}

const nested = (depth: number, inner = "1") => "[".repeat(depth) + inner + "]".repeat(depth);
const bundleOf = (configs: string, orgs = "[]") =>
  `{"format":"bifrost-ts/bundle","version":1,"portable":true,"orgs":${orgs},"configs":[${configs}]}`;
const bifrostExportOf = (items: string) =>
  `{"bifrost_export_version":"1.0","entity_type":"configs","contains_encrypted_values":false,"items":[${items}]}`;

describe("a path with malformed percent-escapes", () => {
  it("is refused with MALFORMED_REQUEST on every route that reads a path parameter", async () => {
    const body = JSON.stringify({ type: "string", value: "v" });
    for (const segment of ["%ZZ", "%", "a%2", "%E0%A4%A", "%ED%A0%80", "%C0%AF", "%FF"]) {
      const answer = await refused("MALFORMED_REQUEST", "GET", `/api/configs/${segment}`);
      expect(answer.body.error.message).toMatch(/percent-escape/);
      await refused("MALFORMED_REQUEST", "PUT", `/api/configs/${segment}`, body);
      await refused("MALFORMED_REQUEST", "DELETE", `/api/configs/${segment}`);
      await refused("MALFORMED_REQUEST", "GET", `/api/executions/${segment}`);
      await refused("MALFORMED_REQUEST", "POST", `/api/executions/${segment}/cancel`);
      await refused("MALFORMED_REQUEST", "POST", `/api/workflows/${segment}/executions`, "{}");
    }
  });

  it("is refused wherever the bad escape sits in the key", async () => {
    const bad = fc.constantFrom("%", "%Z", "%G0", "%zz", "%E2%82", "%ED%B0%80", "%80", "%F0%9F%98");
    await fc.assert(
      fc.asyncProperty(
        fc.stringMatching(/^[a-z0-9_]{0,10}$/),
        bad,
        fc.stringMatching(/^[a-z0-9_]{0,10}$/),
        async (before, escape, after) => {
          // "_" after the escape: "%" followed by "41" would be a good escape.
          await refused(
            "MALFORMED_REQUEST",
            "PUT",
            `/api/configs/${before}${escape}_${after}`,
            JSON.stringify({ type: "int", value: 1 }),
          );
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe("a body whose Content-Encoding does not decode", () => {
  const json = Buffer.from(JSON.stringify({ type: "string", value: "x".repeat(2000) }));

  it("is refused with MALFORMED_REQUEST: garbage, and streams cut short", async () => {
    const gzip = gzipSync(json);
    const brotli = brotliCompressSync(json);
    const deflate = deflateSync(json);
    const cases: [string, Buffer][] = [
      ["gzip", Buffer.from("not gzip at all")],
      ["gzip", gzip.subarray(0, gzip.length - 12)],
      ["gzip", gzip.subarray(0, 20)],
      ["br", Buffer.from("not brotli at all")],
      ["br", brotli.subarray(0, brotli.length - 4)],
      ["deflate", Buffer.from("not deflate")],
      ["deflate", deflate.subarray(0, deflate.length - 6)],
    ];
    for (const [encoding, body] of cases) {
      const answer = await refused("MALFORMED_REQUEST", "PUT", "/api/configs/compressed", body, {
        "content-encoding": encoding,
      });
      expect(answer.body.error.message).toContain(`Content-Encoding (${encoding})`);
    }
  });

  it("while a body that decodes is read as usual", async () => {
    const answer = await send("PUT", "/api/configs/compressed", gzipSync(json), { "content-encoding": "gzip" });
    expect(answer.status).toBe(201);
    await send("DELETE", "/api/configs/compressed");
  });
});

describe(`JSON nested deeper than ${MAX_BODY_DEPTH} levels`, () => {
  const deep = nested(100_000); // 200 KB: well under the body limit

  it("is refused as a body, in a config value, in execution params and in imports", async () => {
    expect(deep.length).toBeLessThan(1024 * 1024);
    await refused("VALIDATION_ERROR", "PUT", "/api/configs/deep", deep);
    const inValue = await refused("VALIDATION_ERROR", "PUT", "/api/configs/deep", `{"type":"json","value":${deep}}`);
    expect(inValue.body.error.message).toMatch(/^body\.value\[0\]\S*: nested deeper than 128 levels$/);
    await refused("VALIDATION_ERROR", "POST", "/api/workflows/noop/executions", `{"params":${deep}}`);
    await refused(
      "VALIDATION_ERROR",
      "POST",
      "/api/workflows/echo_params/executions",
      `{"params":{"n":1,"tag":${deep}}}`,
    );
    await refused(
      "VALIDATION_ERROR",
      "POST",
      "/api/import",
      bundleOf(`{"org":null,"key":"deep","type":"json","description":null,"value":${deep}}`),
    );
    await refused(
      "VALIDATION_ERROR",
      "POST",
      "/api/import?dryRun=true",
      bundleOf(`{"org":null,"key":"deep","type":"json","description":null,"value":${deep}}`),
    );
    await refused("VALIDATION_ERROR", "POST", "/api/import", deep);
    await refused("VALIDATION_ERROR", "POST", "/api/orgs", `{"name":${deep}}`);
  });

  it(`is refused inside JSON text given for a json config (at most ${MAX_VALUE_DEPTH} levels deep), through the API and imports`, async () => {
    const answer = await refused(
      "INVALID_CONFIG_VALUE",
      "PUT",
      "/api/configs/deep",
      JSON.stringify({ type: "json", value: deep }),
    );
    expect(answer.body.error.message).toContain(`nested deeper than ${MAX_VALUE_DEPTH} levels`);
    await refused(
      "VALIDATION_ERROR",
      "POST",
      "/api/import?format=bifrost",
      bifrostExportOf(`{"key":"deep","value":${JSON.stringify(deep)},"config_type":"json"}`),
    );
    await refused(
      "INVALID_CONFIG_VALUE",
      "PUT",
      "/api/configs/deep",
      JSON.stringify({ type: "json", value: nested(MAX_VALUE_DEPTH + 1) }),
    );
    await refused(
      "INVALID_CONFIG_VALUE",
      "PUT",
      "/api/configs/deep",
      `{"type":"json","value":${nested(MAX_VALUE_DEPTH + 1)}}`,
    );
  });

  it(`takes a json config ${MAX_VALUE_DEPTH} levels deep, and its backup imports again`, async () => {
    const value = JSON.parse(nested(MAX_VALUE_DEPTH));
    expect((await send("PUT", "/api/configs/deepest", JSON.stringify({ type: "json", value }))).status).toBe(201);
    const backup = await send("GET", "/api/export?portable=false");
    expect(backup.status).toBe(200);
    const report = await send("POST", "/api/import?dryRun=true", backup.text);
    expect(report.status, report.text.slice(0, 300)).toBe(200);
    expect(report.body.configs.unchanged).toBeGreaterThan(0);
    await send("DELETE", "/api/configs/deepest");
  });
});

describe("a lone UTF-16 surrogate", () => {
  const lone = ["\\ud800", "\\udfff", "a\\udbffb", "\\udc00\\ud800"];

  it("is refused with VALIDATION_ERROR wherever a string reaches the database, naming where", async () => {
    for (const s of lone) {
      const cases: [string, string, string, string][] = [
        ["PUT", "/api/configs/lonely", `{"type":"string","value":"v","description":"${s}"}`, "body.description"],
        ["PUT", "/api/configs/lonely", `{"type":"string","value":"${s}"}`, "body.value"],
        ["PUT", "/api/configs/lonely", `{"type":"json","value":{"list":["ok","${s}"]}}`, "body.value.list[1]"],
        ["PUT", "/api/configs/lonely", `{"type":"json","value":{"${s}":1}}`, "body.value"],
        ["PUT", "/api/configs/lonely", `{"type":"secret","value":"${s}"}`, "body.value"],
        ["PUT", "/api/configs/existing", `{"type":"string","value":"w","description":"${s}"}`, "body.description"],
        ["POST", "/api/orgs", `{"name":"org${s}"}`, "body.name"],
        ["POST", "/api/workflows/echo_params/executions", `{"params":{"n":1,"tag":"${s}"}}`, "body.params.tag"],
        [
          "POST",
          "/api/import",
          bundleOf(`{"org":null,"key":"lonely","type":"string","description":"${s}","value":"v"}`),
          "body.configs[0].description",
        ],
        [
          "POST",
          "/api/import",
          bundleOf(
            `{"org":"new${s}","key":"lonely","type":"string","description":null,"value":"v"}`,
            `[{"name":"new${s}"}]`,
          ),
          "body.orgs[0].name",
        ],
        [
          "POST",
          "/api/import",
          bundleOf(`{"org":null,"key":"lonely","type":"json","description":null,"value":["${s}"]}`),
          "body.configs[0].value[0]",
        ],
        [
          "POST",
          "/api/import?format=bifrost",
          bifrostExportOf(`{"key":"lonely","value":"v","config_type":"string","description":"${s}"}`),
          "body.items[0].description",
        ],
      ];
      for (const [method, path, body, where] of cases) {
        const answer = await refused("VALIDATION_ERROR", method, path, body);
        expect(answer.body.error.details.issues[0].path, `${method} ${path} ${body}`).toBe(where);
        expect(answer.body.error.message).toContain("lone UTF-16 surrogate");
      }
    }
  });

  it("is refused inside JSON text given for a string or json config", async () => {
    await refused(
      "INVALID_CONFIG_VALUE",
      "PUT",
      "/api/configs/lonely",
      JSON.stringify({ type: "json", value: '{"a":"\\ud800"}' }),
    );
    await refused(
      "VALIDATION_ERROR",
      "POST",
      "/api/import?format=bifrost",
      bifrostExportOf(`{"key":"lonely","value":${JSON.stringify('["\\udc00"]')},"config_type":"json"}`),
    );
  });

  it("is refused at any place in any string of a body that is otherwise accepted", async () => {
    const surrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => `\\u${code.toString(16)}`);
    const bodies = [
      (s: string) => ["PUT", "/api/configs/fuzzed", `{"type":"string","value":"${s}","description":"d"}`],
      (s: string) => ["PUT", "/api/configs/fuzzed", `{"type":"string","value":"v","description":"${s}"}`],
      (s: string) => ["PUT", "/api/configs/fuzzed", `{"type":"json","value":{"k":["${s}"]}}`],
      (s: string) => ["POST", "/api/orgs", `{"name":"${s}"}`],
      (s: string) => ["POST", "/api/workflows/echo_params/executions", `{"params":{"n":2,"tag":"${s}"}}`],
      (s: string) => [
        "POST",
        "/api/import",
        bundleOf(`{"org":null,"key":"fuzzed","type":"string","description":"${s}","value":"v"}`),
      ],
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...bodies),
        // eslint-disable-next-line no-control-regex -- the characters JSON must escape
        fc.string({ maxLength: 8 }).map((x) => x.replace(/["\\\u0000-\u001f]/g, "")),
        surrogate,
        fc.nat(8),
        async (body, text, escape, at) => {
          const cut = Math.min(at, text.length);
          const [method, path, json] = body(`${text.slice(0, cut)}${escape}${text.slice(cut)}`);
          await refused("VALIDATION_ERROR", method, path, json);
        },
      ),
      { numRuns: 60 },
    );
  });
});
