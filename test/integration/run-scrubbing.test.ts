import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dumpAllTables } from "../support/test-database.ts";
import { filesUnder, findLeaks, makeSecret, needlesFor, type Haystack } from "../support/leak-search.ts";
import { startTestPlatform, type Api, type TestPlatform } from "../support/test-platform.ts";

// Scrubbing run output in the forms real code writes, searched for where it could land: the
// tables, the database files, Redis, the log and every response.

let t: TestPlatform;
let admin: Api;
let acme: Api;

beforeAll(async () => {
  t = await startTestPlatform({ worker: true });
  admin = t.api(t.adminToken);
  acme = t.api(await t.orgToken("scrub-acme"));
});
afterAll(() => t?.close());

const run = (api: Api, workflow: string, params: unknown = {}, headers: Record<string, string> = {}) =>
  api("POST", `/api/workflows/${workflow}/executions?wait=20000`, { params }, headers);

/** Every place a value could land, with the responses given so far. */
const everywhere = async (responses: string[]): Promise<Haystack[]> => [
  { where: "database tables", content: await dumpAllTables(t.db) },
  ...filesUnder(t.db.dir),
  { where: "Redis", content: await t.redisDump() },
  ...responses.map((content, i) => ({ where: `response ${i}`, content })),
];

describe("scrubbing run output", () => {
  it("redacts each line of a multi-line global secret an org's run threw, and stores the message once", async () => {
    const pem = makeSecret("PEM key", { multiline: true });
    await admin("PUT", "/api/configs/pem_key", { type: "secret", value: pem.plaintext });
    const res = await run(acme, "leak_multiline");
    expect(res.body.status).toBe("failed");
    const seen = (await acme("GET", `/api/executions/${res.body.id}`)).text;
    expect(res.body.error.match(/could not load the key/g)).toHaveLength(1);
    expect(res.body.error).toMatch(/^Error: could not load the key:\n\[REDACTED\]\n {4}at /);
    expect(findLeaks(await everywhere([res.text, seen]), needlesFor(pem))).toEqual([]);
  });

  it("redacts a secret and a per-user value in form bodies, URLs, JSON in JSON and Buffers, and keeps the result's shape", async () => {
    const secret = makeSecret("encoded secret", { special: true });
    const user = makeSecret("encoded user value");
    await admin("PUT", "/api/configs/api_secret", { type: "secret", value: secret.plaintext });
    const res = await run(acme, "leak_encoded", {}, { "Config-User-Token": user.plaintext });
    expect(res.body.status).toBe("success");
    const { result } = res.body;
    expect(new URLSearchParams(result.body).get("grant_type")).toBe("client_credentials");
    expect(JSON.parse(result.json)).toEqual({ password: "[REDACTED]", user: "[REDACTED]" });
    expect(JSON.parse(JSON.parse(result.nested).json)).toEqual({ password: "[REDACTED]", user: "[REDACTED]" });
    expect(result.buffer.type).toBe("Buffer");
    expect(Buffer.from(result.buffer.data).toString()).toBe("[REDACTED]");
    expect(Buffer.from(result.bytes).toString()).toBe("[REDACTED]");
    const seen = (await acme("GET", `/api/executions/${res.body.id}`)).text;
    expect(findLeaks(await everywhere([res.text, seen]), [...needlesFor(secret), ...needlesFor(user)])).toEqual([]);
  });

  it("keeps runs and their results whole when an org's secrets are JSON words or a number", async () => {
    await acme("PUT", "/api/configs/flag_secret", { type: "secret", value: "true" });
    await acme("PUT", "/api/configs/null_secret", { type: "secret", value: "null" });
    const year = await acme("PUT", "/api/configs/year_secret", { type: "secret", value: "2026" });
    expect(year.body.warnings).toEqual([expect.stringContaining("is a number or a JSON word")]);
    const noop = await run(acme, "noop");
    expect(noop.body).toMatchObject({ status: "success", result: { ok: true } });
    const echoed = await run(acme, "echo_params", { n: 2026, tag: "true" });
    expect(echoed.body).toMatchObject({ status: "success", result: { n: "[REDACTED]", tag: "[REDACTED]" } });
  });

  it("says in the run's log that a per-user value under 4 characters is not scrubbed", async () => {
    const res = await run(acme, "per_user_config", {}, { "Config-Api-Key": "abc" });
    expect(res.body.logs).toContainEqual(
      expect.objectContaining({
        level: "warn",
        message: 'Per-user config "api-key" is shorter than 4 characters: it is not scrubbed from this run\'s output',
      }),
    );
  });
});

describe("the scrubber as an oracle", () => {
  it("does not answer an org's guesses of a global secret its run did not read, and warns on a short global secret", async () => {
    const set = await admin("PUT", "/api/configs/pin", { type: "secret", value: "4821" });
    expect(set.body.warnings).toContainEqual(
      expect.stringContaining("shorter than 12 characters: an org whose workflows read it could test guesses"),
    );
    const guesses = Array.from({ length: 100 }, (_, i) => String(4800 + i));
    const res = await run(acme, "echo_guesses", { guesses });
    expect(res.body).toMatchObject({ status: "success", result: { guesses } });
    // A run that reads it is scrubbed of it: what it read cannot leak.
    const reading = await run(acme, "echo_guesses_reading_pin", { guesses: ["4821"] });
    expect(reading.body).toMatchObject({ status: "success", result: { guesses: ["[REDACTED]"] } });
  });
});
