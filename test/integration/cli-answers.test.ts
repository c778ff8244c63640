import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestPlatform, type TestPlatform } from "../support/test-platform.ts";
import { lines, runCli, type CliResult } from "./cli-runner.ts";

// What the real `bifrost` CLI prints about the scope it acted on, and about a BIFROST_URL that is
// not the Bifrost API.

const TIMEOUT = 60_000;
let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(() => t?.close());

function expectOk(result: CliResult): void {
  expect(result.code, `bifrost ${result.args.join(" ")}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`).toBe(0);
}

describe("bifrost config set and delete", () => {
  it("name the org of an org token used without --org", { timeout: TIMEOUT }, async () => {
    const env = t.env({ BIFROST_TOKEN: await t.orgToken("acme-cli") });
    const set = await runCli(["config", "set", "greeting", "hi"], { env });
    expectOk(set);
    expect(set.stdout).toBe("set greeting (string) at org acme-cli\n");
    const deleted = await runCli(["config", "delete", "greeting"], { env });
    expectOk(deleted);
    expect(deleted.stdout).toBe("deleted greeting from org acme-cli\n");
  });

  it("name global scope for an admin token, and the org given with --org", { timeout: TIMEOUT }, async () => {
    const results = await Promise.all([
      runCli(["config", "set", "greeting", "hello"], { env: t.env() }),
      runCli(["config", "set", "greeting", "hallo", "--org", "acme-cli"], { env: t.env() }),
    ]);
    results.forEach(expectOk);
    expect(results.map((r) => r.stdout)).toEqual([
      "set greeting (string) at global scope\n",
      "set greeting (string) at org acme-cli\n",
    ]);
    const deleted = await runCli(["config", "delete", "greeting"], { env: t.env() });
    expect(deleted.stdout).toBe("deleted greeting from global scope\n");
  });
});

describe("a BIFROST_URL that is not the Bifrost API", () => {
  let server: Server;
  let url = "";
  beforeAll(async () => {
    // A web server answering every request with a page, as a wrong port or a proxy's login does.
    server = createServer((req, res) => {
      const status = req.url?.startsWith("/api/missing") ? 404 : req.url?.startsWith("/api/export") ? 502 : 200;
      res
        .writeHead(status, { "content-type": "text/html; charset=utf-8" })
        .end("<!doctype html><title>Welcome</title><p>Hello");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("gets a one-line error naming the URL and the status, never a TypeError", { timeout: TIMEOUT }, async () => {
    const env = t.env({ BIFROST_URL: url });
    const results = await Promise.all([
      runCli(["config", "set", "greeting", "hi"], { env }),
      runCli(["config", "list"], { env }),
      runCli(["orgs", "list"], { env }),
      runCli(["export", "--portable"], { env }),
    ]);
    const expected = [
      `PUT /api/configs/greeting with HTTP 200 (text/html)`,
      `GET /api/configs with HTTP 200 (text/html)`,
      `GET /api/orgs with HTTP 200 (text/html)`,
      `GET /api/export with HTTP 502 (text/html)`,
    ];
    results.forEach((result, i) => {
      const context = `bifrost ${result.args.join(" ")}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`;
      expect(result.code, context).toBe(1);
      expect(result.stdout, context).toBe("");
      expect(lines(result.stderr), context).toEqual([
        `bifrost: ${url} answered ${expected[i]}, not the Bifrost API's JSON: is BIFROST_URL right?`,
      ]);
      expect(result.stderr, context).not.toMatch(/TypeError|Cannot read/);
    });
  });
});
