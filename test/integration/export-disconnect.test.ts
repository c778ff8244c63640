import { connect, type Socket } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { orgScope } from "../../src/orgs/index.ts";
import { startTestPlatform, type TestPlatform } from "../support/test-platform.ts";

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform();
  const org = await t.platform.orgs.create("big", "test");
  // ~10 MB of bundle: more than the socket buffers between the server and a client that reads nothing.
  for (let i = 0; i < 40; i++)
    await t.platform.configs.set(orgScope(org), `blob_${i}`, { type: "string", value: "b".repeat(250_000) }, "test");
});
afterAll(() => t?.close());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const exporter = () => t.platform.bundleExporter;
let restore = () => {};
afterEach(() => restore());

/**
 * Watches the exporter the route uses: how many chunks it gave, and whether its generator ended.
 * @param pauseMs a wait after each chunk, as a slow read of the database's next page
 */
function watchExports(pauseMs = 0) {
  let markEnded = () => {};
  const watched = { chunks: 0, ended: false, untilEnded: new Promise<void>((resolve) => (markEnded = resolve)) };
  const original = exporter().export.bind(exporter());
  restore = () => (exporter().export = original);
  exporter().export = async function* (options) {
    try {
      for await (const chunk of original(options)) {
        watched.chunks++;
        yield chunk;
        if (pauseMs) await sleep(pauseMs);
      }
    } finally {
      // After the export's own end (its audit row written): leaving the loop ends it first.
      watched.ended = true;
      markEnded();
    }
  };
  return watched;
}

async function requestExport(query = "scope=big"): Promise<Socket> {
  const socket = connect(Number(new URL(t.url).port), "127.0.0.1");
  await new Promise<void>((resolve) => socket.once("connect", resolve));
  socket.write(`GET /api/export?${query} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${t.adminToken}\r\n\r\n`);
  return socket;
}

async function exportAudits() {
  const rows = await t.platform.db.prisma.auditEvent.findMany({
    where: { action: "bundle.export" },
    orderBy: { id: "asc" },
  });
  return rows.map((row) => ({ actor: row.actor, scope: row.scope, details: JSON.parse(row.details ?? "null") }));
}

describe("GET /api/export", () => {
  it("stops the export when the client leaves while the server waits for it to read", async () => {
    const watched = watchExports();
    const socket = await requestExport();
    socket.pause(); // reads nothing
    // Until the server stops writing: it waits for the client to drain the socket.
    let seen = -1;
    while (seen !== watched.chunks) {
      seen = watched.chunks;
      await sleep(200);
    }
    expect(watched.ended).toBe(false);
    expect(watched.chunks).toBeLessThan(44);
    socket.destroy();
    await watched.untilEnded;
    // Not a finished export: audited as one that was cut short.
    expect((await exportAudits()).at(-1)?.details).toMatchObject({ portable: true, outcome: "aborted" });
  });

  it("stops the export when the client leaves while the server waits for the database", async () => {
    const watched = watchExports(50);
    const socket = await requestExport();
    await new Promise<void>((resolve) => socket.once("data", () => resolve()));
    socket.destroy(); // while the server waits for its next chunk, not for the client
    await watched.untilEnded;
    expect(watched.chunks).toBeLessThan(10);
  });
});

describe("the audit of an export", () => {
  it("is written before the first byte, and says when a client read part of a backup and hung up", async () => {
    const before = (await exportAudits()).length;
    const watched = watchExports();
    const socket = await requestExport("portable=false");
    // The response's first bytes: by then the export is on record, before any config was sent.
    await new Promise<void>((resolve) =>
      socket.once("data", () => {
        socket.pause(); // and reads no more
        resolve();
      }),
    );
    const started = (await exportAudits()).slice(before);
    expect(started).toEqual([
      { actor: "token:test-admin", scope: "global", details: { portable: false, whole: true, outcome: "started" } },
    ]);
    socket.destroy();
    await watched.untilEnded;
    const [row] = (await exportAudits()).slice(before);
    expect(row.details).toMatchObject({ portable: false, whole: true, outcome: "aborted", orgs: 1 });
    expect(row.details.configs).toBeLessThan(40);
  });

  it("records the counts of an export read to its end", async () => {
    const before = (await exportAudits()).length;
    const res = await t.api(t.adminToken)("GET", "/api/export?portable=false&scope=big");
    expect(res.status).toBe(200);
    const [row] = (await exportAudits()).slice(before);
    expect(row.details).toEqual({
      portable: false,
      whole: false,
      outcome: "completed",
      orgs: 1,
      configs: 40,
      secrets: 0,
    });
  });
});
