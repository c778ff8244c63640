import { createHmac, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dumpAllTables } from "../support/test-database.ts";
import { findLeaks, needlesOf } from "../support/leak-search.ts";
import { startTestPlatform, type Api, type TestPlatform } from "../support/test-platform.ts";
import { lines, parseTable, runCli } from "./cli-runner.ts";

// Inbound webhooks against the real platform (API, in-process worker, database of the provider
// under test). Deliveries are signed here, by the Standard Webhooks v1 rule computed with
// node:crypto, independently of the verifier the platform uses.

let t: TestPlatform;
let admin: Api;
let acmeApi: Api;
let otherApi: Api;
let acme: { id: string; name: string };
/** Every secret the platform showed, for the leak search at the end. */
const shownSecrets: string[] = [];

beforeAll(async () => {
  t = await startTestPlatform({ worker: true });
  admin = t.api(t.adminToken);
  acmeApi = t.api(await t.orgToken("acme"));
  otherApi = t.api(await t.orgToken("other"));
  acme = (await t.platform.orgs.find("acme"))!;
});
afterAll(() => t?.close());

/** Standard Webhooks v1: `v1,` + base64(HMAC-SHA256(base64-decoded secret without `whsec_`, "<id>.<timestamp>.<body>")). */
function signature(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.slice("whsec_".length), "base64");
  return `v1,${createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64")}`;
}

interface Delivery {
  id?: string;
  timestamp?: number;
  body?: string;
  /** Default: signed with `secret`. */
  signature?: string;
  headers?: Record<string, string>;
}

async function deliver(url: string, secret: string, delivery: Delivery = {}) {
  const id = delivery.id ?? `msg_${randomBytes(8).toString("hex")}`;
  const timestamp = delivery.timestamp ?? Math.floor(Date.now() / 1000);
  const body = delivery.body ?? "{}";
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "webhook-id": id,
      "webhook-timestamp": String(timestamp),
      "webhook-signature": delivery.signature ?? signature(secret, id, timestamp, body),
      ...delivery.headers,
    },
    body,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, id };
}

async function hook(
  workflow: string,
  scope = "global",
  api = admin,
): Promise<{ id: string; url: string; secret: string; scope: string }> {
  const res = await api("POST", `/api/webhooks?scope=${scope}`, { workflow, description: `sends ${workflow}` });
  expect(res.status, res.text).toBe(201);
  shownSecrets.push(res.body.secret);
  return res.body;
}

const recorded = async () => ({
  executions: await t.platform.db.prisma.execution.count(),
  keys: await t.platform.db.prisma.executionKey.count(),
});

describe("POST /api/webhooks", () => {
  it("creates a hook with a random URL and a Standard Webhooks secret shown once; lists never show it", async () => {
    const res = await admin("POST", "/api/webhooks?scope=acme", {
      workflow: "echo_params",
      description: "from the billing system",
    });
    expect(res.status, res.text).toBe(201);
    shownSecrets.push(res.body.secret);
    expect(res.body).toMatchObject({
      id: expect.stringMatching(/^wh_[A-Za-z0-9_-]{24}$/),
      workflow: "echo_params",
      scope: acme.id,
      org: { id: acme.id, name: "acme" },
      description: "from the billing system",
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]+=*$/),
    });
    expect(Buffer.from(res.body.secret.slice(6), "base64")).toHaveLength(32);
    // The URL says nothing of the workflow or the org.
    expect(res.body.url).toBe(`${t.url}/hooks/${res.body.id}`);
    for (const hint of ["echo", "params", "acme", acme.id]) expect(res.body.url).not.toContain(hint);

    const listed = await admin("GET", "/api/webhooks?scope=acme");
    expect(listed.body).toEqual([
      expect.objectContaining({
        id: res.body.id,
        url: res.body.url,
        description: "from the billing system",
        secretRotatedAt: null,
      }),
    ]);
    expect(listed.body[0]).not.toHaveProperty("secret");
    expect(listed.text).not.toContain(res.body.secret.slice(6));
    const audit = (await admin("GET", "/api/audit?scope=acme&action=webhook.create")).body;
    expect(audit[0]).toMatchObject({
      actor: "token:test-admin",
      details: { webhook: res.body.id, workflow: "echo_params" },
    });
  });

  it("refuses an unknown workflow or a bad body, recording nothing", async () => {
    const before = await t.platform.db.prisma.webhook.count();
    expect((await admin("POST", "/api/webhooks", { workflow: "no_such_workflow" })).body.error.code).toBe(
      "WORKFLOW_NOT_FOUND",
    );
    for (const body of [
      {},
      { workflow: "noop", secret: "mine" },
      { workflow: "noop", description: "x".repeat(1001) },
    ]) {
      const res = await admin("POST", "/api/webhooks", body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    expect(await t.platform.db.prisma.webhook.count()).toBe(before);
  });
});

describe("POST /hooks/:id", () => {
  it("runs the workflow with the JSON body as its params, trigger webhook, for the hook's scope", async () => {
    const h = await hook("echo_params", "acme");
    const res = await deliver(h.url, h.secret, { body: JSON.stringify({ n: 42, tag: "invoice.paid" }) });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ executionId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    const run = await t.server.executions.waitForEnd(res.body.executionId, 20_000);
    expect(run).toMatchObject({ status: "success", trigger: "webhook", scope: acme.id, createdBy: `webhook:${h.id}` });
    expect(JSON.parse(run.result!)).toEqual({ n: 42, tag: "invoice.paid" });
  });

  it("takes any one valid signature among several, and an empty body as no params", async () => {
    const h = await hook("noop");
    const id = "msg_multi";
    const timestamp = Math.floor(Date.now() / 1000);
    const good = signature(h.secret, id, timestamp, "");
    const res = await deliver(h.url, h.secret, {
      id,
      timestamp,
      body: "",
      signature: `v1,${Buffer.alloc(32).toString("base64")} ${good} v2,whatever`,
    });
    expect(res.status).toBe(202);
    expect((await t.server.executions.waitForEnd(res.body.executionId, 20_000)).status).toBe("success");
  });

  it("answers 401 and records nothing for a forged, tampered, unsigned, stale or future delivery", async () => {
    const h = await hook("noop");
    const other = await hook("noop");
    const before = await recorded();
    const now = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({ amount: 1 });
    const cases: [string, Delivery][] = [
      [
        "signed with another hook's secret",
        { signature: signature(other.secret, "msg_a", now, body), id: "msg_a", body },
      ],
      [
        "signed with a made-up secret",
        { signature: signature(`whsec_${randomBytes(32).toString("base64")}`, "msg_b", now, body), id: "msg_b", body },
      ],
      [
        "body changed after signing",
        {
          id: "msg_c",
          timestamp: now,
          signature: signature(h.secret, "msg_c", now, body),
          body: JSON.stringify({ amount: 1000 }),
        },
      ],
      [
        "webhook-id changed after signing",
        { id: "msg_d2", timestamp: now, signature: signature(h.secret, "msg_d", now, body), body },
      ],
      [
        "timestamp changed after signing",
        { id: "msg_e", timestamp: now + 1, signature: signature(h.secret, "msg_e", now, body), body },
      ],
      ["no signature", { id: "msg_f", headers: { "webhook-signature": "" }, body }],
      [
        "a signature of another version",
        { id: "msg_g", timestamp: now, signature: signature(h.secret, "msg_g", now, body).replace("v1,", "v2,"), body },
      ],
      ["6 minutes old", { id: "msg_h", timestamp: now - 360, body }],
      ["6 minutes ahead", { id: "msg_i", timestamp: now + 360, body }],
    ];
    for (const [what, delivery] of cases) {
      const res = await deliver(h.url, h.secret, delivery);
      expect(res.status, what).toBe(401);
      expect(res.body.error.code, what).toBe("WEBHOOK_SIGNATURE_INVALID");
    }
    const unsigned = await fetch(h.url, { method: "POST", body });
    expect(unsigned.status).toBe(401);
    expect(await recorded()).toEqual(before);
    // Within the 5 minutes either way: accepted.
    expect((await deliver(h.url, h.secret, { timestamp: now - 280 })).status).toBe(202);
    expect((await deliver(h.url, h.secret, { timestamp: now + 280 })).status).toBe(202);
  });

  it("answers a replayed webhook-id with the first delivery's execution and starts nothing; another id or hook is another run", async () => {
    const h = await hook("noop");
    const first = await deliver(h.url, h.secret, { id: "msg_replayed" });
    expect(first.status).toBe(202);
    const before = await recorded();
    // Re-sent later, signed again with a new timestamp, as senders retry.
    const again = await deliver(h.url, h.secret, { id: "msg_replayed", timestamp: Math.floor(Date.now() / 1000) + 2 });
    expect(again).toMatchObject({ status: 202, body: { executionId: first.body.executionId } });
    const concurrent = await Promise.all(
      Array.from({ length: 10 }, () => deliver(h.url, h.secret, { id: "msg_replayed" })),
    );
    expect(new Set(concurrent.map((r) => r.body.executionId))).toEqual(new Set([first.body.executionId]));
    expect(await recorded()).toEqual(before);

    expect((await deliver(h.url, h.secret, { id: "msg_other" })).body.executionId).not.toBe(first.body.executionId);
    const otherHook = await hook("noop");
    expect((await deliver(otherHook.url, otherHook.secret, { id: "msg_replayed" })).body.executionId).not.toBe(
      first.body.executionId,
    );
  });

  it("answers 400 for params that fail the workflow's schema or a body that is not JSON, recording nothing", async () => {
    const h = await hook("echo_params");
    const before = await recorded();
    const bad = await deliver(h.url, h.secret, { body: JSON.stringify({ n: "forty-two" }) });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({
      code: "VALIDATION_ERROR",
      details: { issues: [expect.objectContaining({ path: "body.params.n" })] },
    });
    const notJson = await deliver(h.url, h.secret, { body: "n=42" });
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.message).toMatch(/not valid JSON/);
    expect(await recorded()).toEqual(before);
  });

  it("answers 413 for a body over 1 MB and 404 for a hook that does not exist", async () => {
    const h = await hook("noop");
    const big = await deliver(h.url, h.secret, { body: JSON.stringify({ pad: "x".repeat(1_100_000) }) });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe("PAYLOAD_TOO_LARGE");
    for (const id of [`wh_${randomBytes(18).toString("base64url")}`, "not-a-hook", "wh_%00"]) {
      const res = await deliver(`${t.url}/hooks/${id}`, h.secret);
      expect(res.status, id).toBe(404);
      expect(res.body.error.code).toBe("WEBHOOK_NOT_FOUND");
    }
  });
});

describe("rotating and deleting", () => {
  it("a rotated secret replaces the old one at once; a deleted hook answers 404", async () => {
    const h = await hook("noop", "acme");
    const rotated = await admin("POST", `/api/webhooks/${h.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    shownSecrets.push(rotated.body.secret);
    expect(rotated.body).toMatchObject({
      id: h.id,
      url: h.url,
      secret: expect.stringMatching(/^whsec_/),
      secretRotatedAt: expect.any(String),
    });
    expect(rotated.body.secret).not.toBe(h.secret);
    expect((await deliver(h.url, h.secret)).status).toBe(401);
    expect((await deliver(h.url, rotated.body.secret)).status).toBe(202);

    expect((await admin("DELETE", `/api/webhooks/${h.id}`)).status).toBe(204);
    expect((await deliver(h.url, rotated.body.secret)).status).toBe(404);
    expect((await admin("DELETE", `/api/webhooks/${h.id}`)).status).toBe(404);
    const actions = (await admin("GET", "/api/audit?scope=acme&limit=5")).body
      .filter((r: { details?: { webhook?: string } }) => r.details?.webhook === h.id)
      .map((r: { action: string }) => r.action);
    expect(actions).toEqual(["webhook.delete", "webhook.rotate_secret", "webhook.create"]);
  });

  it("an org token manages only its org's hooks: another org's answer as if they did not exist", async () => {
    const mine = await hook("noop", "acme", acmeApi);
    expect(mine.scope).toBe(acme.id);
    expect((await acmeApi("GET", "/api/webhooks")).body.every((w: { scope: string }) => w.scope === acme.id)).toBe(
      true,
    );
    expect((await otherApi("GET", "/api/webhooks")).body.map((w: { id: string }) => w.id)).not.toContain(mine.id);
    const missing = `wh_${randomBytes(18).toString("base64url")}`;
    for (const [method, path] of [
      ["DELETE", ""],
      ["POST", "/rotate-secret"],
    ] as const) {
      const theirs = await otherApi(method, `/api/webhooks/${mine.id}${path}`);
      const none = await otherApi(method, `/api/webhooks/${missing}${path}`);
      expect([theirs.status, none.status]).toEqual([404, 404]);
      expect(theirs.body.error.message.replace(mine.id, "ID")).toBe(none.body.error.message.replace(missing, "ID"));
    }
    expect((await deliver(mine.url, mine.secret)).status).toBe(202);
    expect((await otherApi("POST", "/api/webhooks?scope=acme", { workflow: "noop" })).status).toBe(403);
    expect((await acmeApi("POST", "/api/webhooks?scope=global", { workflow: "noop" })).status).toBe(403);
  });
});

describe("bifrost webhooks", () => {
  it("create prints the URL and the secret once; list, rotate-secret and delete", { timeout: 60_000 }, async () => {
    const env = t.env();
    const created = await runCli(["webhooks", "create", "noop", "--org", "acme", "--description", "from the CLI"], {
      env,
    });
    expect(created.code, created.stderr).toBe(0);
    const [headline, url, secret] = lines(created.stdout);
    const id = /^created webhook (wh_\S+) for noop$/.exec(headline)![1];
    expect(url).toBe(`url:    ${t.url}/hooks/${id}`);
    expect(secret).toMatch(/^secret: whsec_\S+$/);
    shownSecrets.push(secret.slice(8));
    expect(created.stderr).toMatch(/shown this once/);
    expect((await deliver(url.slice(8), secret.slice(8))).status).toBe(202);

    const listed = await runCli(["webhooks", "list", "--org", "acme"], { env });
    expect(parseTable(listed.stdout).find((r) => r.id === id)).toMatchObject({
      workflow: "noop",
      org: "acme",
      description: "from the CLI",
    });
    expect(listed.stdout).not.toContain(secret.slice(8));
    const rotated = await runCli(["webhooks", "rotate-secret", id, "--json"], { env });
    const next = JSON.parse(rotated.stdout).secret;
    shownSecrets.push(next);
    expect((await deliver(url.slice(8), next)).status).toBe(202);
    expect((await runCli(["webhooks", "delete", id], { env })).stdout).toBe(`deleted webhook ${id}\n`);
    const gone = await runCli(["webhooks", "delete", id], { env });
    expect(lines(gone.stderr)).toEqual([`bifrost: WEBHOOK_NOT_FOUND: No webhook with id "${id}"`]);
  });
});

describe("secret hygiene", () => {
  it("no secret a hook was given is stored, logged, audited or queued in any form (only its Fernet token is stored)", async () => {
    expect(shownSecrets.length).toBeGreaterThan(5);
    const needles = shownSecrets.flatMap((secret, i) => [
      ...needlesOf(secret, `hook secret ${i}`, ""),
      ...needlesOf(secret.slice(6), `hook secret ${i}`, "key "),
    ]);
    const audit = await admin("GET", "/api/audit?limit=1000");
    const lists = await admin("GET", "/api/webhooks");
    const leaks = findLeaks(
      [
        { where: "database", content: await dumpAllTables(t.db) },
        { where: "server log", content: t.logs() },
        { where: "redis", content: await t.redisDump() },
        { where: "GET /api/audit", content: audit.text },
        { where: "GET /api/webhooks", content: lists.text },
      ],
      needles,
    );
    expect(leaks).toEqual([]);
  });
});
