import { connect, type Socket } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { orgScope } from "../../src/orgs/index.ts";
import { startTestPlatform, type TestPlatform } from "../support/test-platform.ts";

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform();
  const org = await t.platform.orgs.create("big", "test");
  // ~10 MB of bundle: more than the socket buffers between the server and a client that reads nothing.
  for (let i = 0; i < 40; i++) await t.platform.configs.set(orgScope(org), `blob_${i}`, { type: "string", value: "b".repeat(250_000) }, "test");
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
  const watched = { chunks: 0, ended: false };
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
      watched.ended = true;
    }
  };
  return watched;
}

async function requestExport(): Promise<Socket> {
  const socket = connect(Number(new URL(t.url).port), "127.0.0.1");
  await new Promise<void>((resolve) => socket.once("connect", resolve));
  socket.write(`GET /api/export?scope=big HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${t.adminToken}\r\n\r\n`);
  return socket;
}

async function untilEnded(watched: { ended: boolean }): Promise<void> {
  for (let i = 0; i < 100 && !watched.ended; i++) await sleep(20);
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
    await untilEnded(watched);
    expect(watched.ended).toBe(true);
    // Not a finished export: not audited as one.
    expect(await t.platform.db.prisma.auditEvent.count({ where: { action: "bundle.export" } })).toBe(0);
  });

  it("stops the export when the client leaves while the server waits for the database", async () => {
    const watched = watchExports(50);
    const socket = await requestExport();
    await new Promise<void>((resolve) => socket.once("data", () => resolve()));
    socket.destroy(); // while the server waits for its next chunk, not for the client
    await untilEnded(watched);
    expect(watched.ended).toBe(true);
    expect(watched.chunks).toBeLessThan(10);
  });
});
