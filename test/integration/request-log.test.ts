import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestPlatform, type TestPlatform } from "../support/test-platform.ts";

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(() => t?.close());

interface Line {
  level: number;
  req: { id: string; method: string; path: string };
  res: { statusCode: number };
  responseTime: number;
  msg: string;
}

/** The request lines logged so far for `path`, waiting a little for one that is written after the answer. */
async function linesFor(path: string, count = 1): Promise<Line[]> {
  for (let tries = 0; ; tries++) {
    const lines = t
      .logs()
      .split("\n")
      .filter((line) => line.includes(`"path":"${path}"`))
      .map((line) => JSON.parse(line) as Line);
    if (lines.length >= count || tries > 50) return lines;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("request log", () => {
  it("logs one line per request: id, method, path without its query, status, time; the level by status", async () => {
    const ok = await t.api(t.adminToken)("GET", "/api/configs?scope=global&limit=3");
    expect(ok.status).toBe(200);
    const missing = await t.api(t.adminToken)("GET", "/api/configs/no_such_key");
    expect(missing.status).toBe(404);

    const [line] = await linesFor("/api/configs");
    expect(line).toMatchObject({
      level: 30,
      req: { method: "GET", path: "/api/configs" },
      res: { statusCode: 200 },
      msg: "GET /api/configs 200",
    });
    expect(line.req.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(line.responseTime).toBeGreaterThanOrEqual(0);
    const [warned] = await linesFor("/api/configs/no_such_key");
    expect(warned).toMatchObject({ level: 40, res: { statusCode: 404 }, msg: "GET /api/configs/no_such_key 404" });
    expect(t.logs()).not.toContain("scope=global");
  });

  it("keeps a caller's X-Request-Id when it is a plain token, and replaces anything else", async () => {
    await t.api(t.adminToken)("GET", "/api/orgs", undefined, { "x-request-id": "trace_0123-abc" });
    await t.api(t.adminToken)("GET", "/api/session", undefined, { "x-request-id": 'evil"\\n{"level":60}' });
    expect((await linesFor("/api/orgs"))[0].req.id).toBe("trace_0123-abc");
    const [replaced] = await linesFor("/api/session");
    expect(replaced.req.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(t.logs()).not.toContain("evil");
  });

  it("logs a request whose client left before the answer once, as a warning, and nothing else", async () => {
    const { port } = new URL(t.url);
    const socket = connect(Number(port), "127.0.0.1");
    await new Promise<void>((resolve) => socket.once("connect", resolve));
    // A body shorter than its Content-Length keeps the server reading until the client goes.
    socket.write(
      `PUT /api/configs/left_midway HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${t.adminToken}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"type":`,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    socket.destroy();

    await linesFor("/api/configs/left_midway");
    await new Promise((resolve) => setTimeout(resolve, 100)); // room for a second line, which must not come
    const lines = await linesFor("/api/configs/left_midway");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 40,
      msg: "PUT /api/configs/left_midway aborted",
      res: { statusCode: null },
    });
    // Not an error of ours: no "unhandled error" with body-parser's stack.
    expect(t.logs()).not.toContain("request aborted");
  });
});
