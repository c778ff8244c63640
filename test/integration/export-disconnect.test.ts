import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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

describe("GET /api/export", () => {
  it("stops the export when the client leaves while the server waits for it to read", async () => {
    // Watch the exporter the route uses: does its generator end?
    const exporter = t.platform.bundleExporter;
    const original = exporter.export.bind(exporter);
    let chunks = 0;
    let ended = false;
    exporter.export = async function* (options) {
      try {
        for await (const chunk of original(options)) {
          chunks++;
          yield chunk;
        }
      } finally {
        ended = true;
      }
    };
    try {
      const socket = connect(Number(new URL(t.url).port), "127.0.0.1");
      await new Promise<void>((resolve) => socket.once("connect", resolve));
      socket.pause(); // reads nothing
      socket.write(`GET /api/export?scope=big HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${t.adminToken}\r\n\r\n`);
      // Until the server stops writing: it waits for the client to drain the socket.
      let seen = -1;
      while (seen !== chunks) {
        seen = chunks;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(ended).toBe(false);
      expect(chunks).toBeLessThan(44);
      socket.destroy();
      for (let i = 0; i < 50 && !ended; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(ended).toBe(true);
      // Not a finished export: not audited as one.
      expect(await t.platform.db.prisma.auditEvent.count({ where: { action: "bundle.export" } })).toBe(0);
    } finally {
      exporter.export = original;
    }
  });

  it("stops the export when the client leaves while the server waits for the database", async () => {
    const exporter = t.platform.bundleExporter;
    const original = exporter.export.bind(exporter);
    let chunks = 0;
    let ended = false;
    exporter.export = async function* (options) {
      try {
        for await (const chunk of original(options)) {
          chunks++;
          yield chunk;
          await new Promise((resolve) => setTimeout(resolve, 50)); // a slow read of the next page
        }
      } finally {
        ended = true;
      }
    };
    try {
      const socket = connect(Number(new URL(t.url).port), "127.0.0.1");
      await new Promise<void>((resolve) => socket.once("connect", resolve));
      const firstBytes = new Promise<void>((resolve) => socket.once("data", () => resolve()));
      socket.write(`GET /api/export?scope=big HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${t.adminToken}\r\n\r\n`);
      await firstBytes;
      socket.destroy(); // while the server waits for its next chunk, not for the client
      for (let i = 0; i < 100 && !ended; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(ended).toBe(true);
      expect(chunks).toBeLessThan(10);
    } finally {
      exporter.export = original;
    }
  });
});
