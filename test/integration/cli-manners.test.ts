import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GLOBAL_SCOPE } from "../../src/orgs/index.ts";
import { startTestPlatform, type TestPlatform } from "../support/test-platform.ts";
import { lines, runCli, spawnCli, unusedPort } from "./cli-runner.ts";

// The CLI's manners (../shared/CONTRACT.md, "CLI exit codes"): exit codes by what went wrong, one
// error format (--json too), help with examples, who am I, a kept login, a quiet end under `| head`,
// and a stop within its drain time.

let t: TestPlatform;
const config = mkdtempSync(join(tmpdir(), "bifrost-cli-config-"));
beforeAll(async () => {
  t = await startTestPlatform({ worker: true });
});
afterAll(async () => {
  await t?.close();
  rmSync(config, { recursive: true, force: true });
});

const env = (extra: Record<string, string> = {}) => t.env({ XDG_CONFIG_HOME: config, ...extra });

describe("exit codes and the error format", () => {
  it.each([
    ["an unknown command", ["confg", "list"], 2, /^bifrost: unknown command 'confg'/],
    ["an unknown option", ["config", "list", "--nope"], 2, /^bifrost: unknown option '--nope'/],
    [
      "a bad argument the API refuses",
      ["config", "set", "n", "1.5", "--type", "int"],
      2,
      /^bifrost: INVALID_CONFIG_VALUE: /,
    ],
    [
      "an unknown execution",
      ["executions", "get", "00000000-0000-4000-8000-000000000000"],
      4,
      /^bifrost: EXECUTION_NOT_FOUND: /,
    ],
    ["a wrong token", ["config", "list"], 3, /^bifrost: UNAUTHORIZED: /],
  ])("%s: one line on stderr, and its exit code", async (_what, args, code, message) => {
    const result = await runCli(args, {
      env: args[1] === "list" && code === 3 ? env({ BIFROST_TOKEN: "bft_wrong" }) : env(),
    });
    expect(result.code, result.stderr).toBe(code);
    expect(lines(result.stderr)[0]).toMatch(message);
  });

  it("suggests the command, and the workflow, a typo meant", async () => {
    expect((await runCli(["confg"], { env: env() })).stderr).toContain("(Did you mean config?)");
    const run = await runCli(["run", "echo_param", "--param", "n=1"], { env: env() });
    expect(run.code).toBe(4);
    expect(lines(run.stderr)).toEqual([
      expect.stringMatching(/^bifrost: WORKFLOW_NOT_FOUND: .* \(did you mean echo_params\?\)$/),
    ]);
  });

  it("prints errors as JSON with --json", async () => {
    const result = await runCli(["executions", "get", "00000000-0000-4000-8000-000000000000", "--json"], {
      env: env(),
    });
    expect(result.code).toBe(4);
    expect(JSON.parse(result.stderr)).toEqual({
      error: { code: "EXECUTION_NOT_FOUND", message: expect.any(String), exitCode: 4 },
    });
  });
});

describe("--json", () => {
  it("is taken by the commands that change something, printing what they did", async () => {
    await t.platform.configs.set(GLOBAL_SCOPE, "doomed", { type: "string", value: "x" }, "test");
    const deleted = await runCli(["config", "delete", "doomed", "--json"], { env: env() });
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(JSON.parse(deleted.stdout)).toEqual({ deleted: "doomed", scope: "global" });

    const created = await runCli(["tokens", "create", "--admin", "--name", "short-lived", "--json"], { env: env() });
    expect(created.code, created.stderr).toBe(0);
    const token = JSON.parse(created.stdout);
    expect(token).toMatchObject({ name: "short-lived", kind: "admin", token: expect.stringMatching(/^bft_/) });
    const revoked = await runCli(["tokens", "revoke", token.id, "--json"], { env: env() });
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(JSON.parse(revoked.stdout)).toEqual({ revoked: token.id, name: "short-lived", kind: "admin" });

    const migrated = await runCli(["migrate", "--json"], { env: env() });
    expect(migrated.code, migrated.stderr).toBe(0);
    expect(JSON.parse(migrated.stdout)).toEqual({ applied: [] });
  });
});

describe("help", () => {
  it("names where the CLI finds the API, and gives each command examples, defaults as values", async () => {
    const root = await runCli(["--help"], { env: env() });
    expect(root.stdout).toMatch(/BIFROST_URL .*\n\s+BIFROST_TOKEN /);
    const set = await runCli(["config", "set", "--help"], { env: env() });
    expect(set.stdout).toContain("Examples:\n  $ bifrost config set max_retries 3 --type int");
    expect((await runCli(["keys", "rotate", "--help"], { env: env() })).stdout).toContain("(default: 500)");
  });
});

describe("who the CLI is", () => {
  it("says who the token is", async () => {
    const text = await runCli(["whoami"], { env: env() });
    expect(text.stdout).toBe(`token:test-admin: an admin token, at ${t.url}\n`);
    expect(JSON.parse((await runCli(["whoami", "--json"], { env: env() })).stdout)).toMatchObject({
      url: t.url,
      kind: "admin",
      actor: "token:test-admin",
    });
  });

  it("keeps a login in a file only its owner reads; the environment still wins; logout forgets it", async () => {
    const { BIFROST_TOKEN: token, BIFROST_URL: url, ...rest } = env();
    const login = await runCli(["login", "--url", url], { env: rest, input: `${token}\n` });
    expect(login.code, login.stderr).toBe(0);
    const file = join(config, "bifrost", "credentials.json");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect((await runCli(["whoami"], { env: rest })).stdout).toContain("an admin token");
    expect((await runCli(["whoami"], { env: { ...rest, BIFROST_TOKEN: "bft_wrong" } })).code).toBe(3);
    expect((await runCli(["logout"], { env: rest })).stdout).toBe(`removed ${file}\n`);
    expect((await runCli(["whoami"], { env: rest })).code).toBe(3);
  });

  it("refuses to keep a token the API does not take", async () => {
    const { BIFROST_TOKEN: _token, BIFROST_URL: url, ...rest } = env();
    const login = await runCli(["login", "--url", url], { env: rest, input: "bft_wrong\n" });
    expect(login.code).toBe(3);
    expect((await runCli(["logout"], { env: rest })).stdout).toBe("not logged in\n");
  });
});

describe("ending", () => {
  it("ends quietly when its reader stops early: `bifrost export --portable | head`", async () => {
    const result = await runCli(["export", "--portable"], { env: env(), closeStdout: true });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
  });

  it("stops within its drain time after SIGTERM, even while Redis is down", async () => {
    const server = spawnCli(["start"], {
      env: env({
        REDIS_URL: `redis://127.0.0.1:${await unusedPort()}`,
        PORT: String(await unusedPort()),
        BIFROST_SHUTDOWN_TIMEOUT_MS: "1500",
      }),
    });
    await server.waitFor(/taking executions/);
    const signalled = Date.now();
    await server.stop("SIGTERM");
    expect(Date.now() - signalled).toBeLessThan(10_000);
    expect(
      server.child.exitCode === 0 || server.output().includes("not stopped within BIFROST_SHUTDOWN_TIMEOUT_MS"),
    ).toBe(true);
  });

  it("logs JSON lines unless asked for pretty ones (or on a terminal)", async () => {
    const port = String(await unusedPort());
    const pretty = spawnCli(["server"], { env: env({ PORT: port, BIFROST_LOG_FORMAT: "pretty" }) });
    await pretty.waitFor(/Bifrost API listening/);
    await pretty.stop();
    expect(pretty.output()).toMatch(/INFO.*Bifrost API listening/);
    expect(() => JSON.parse(lines(pretty.output())[0])).toThrow();
    const json = spawnCli(["server"], { env: env({ PORT: String(await unusedPort()) }) });
    await json.waitFor(/Bifrost API listening/);
    await json.stop();
    expect(JSON.parse(lines(json.output()).find((line) => line.includes("listening"))!)).toMatchObject({
      msg: expect.stringContaining("Bifrost API listening"),
    });
  });
});
