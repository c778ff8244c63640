import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

// Helpers for tests that drive the real `bifrost` CLI as a child process (not a test file).

export const PROJECT_ROOT = fileURLToPath(new URL("../..", import.meta.url));
const BIN = fileURLToPath(new URL("../../bin/bifrost.mjs", import.meta.url));

/** One CLI call takes about a second (the sources compile on the fly); allow for a loaded machine. */
export const CLI_TIMEOUT_MS = 30_000;

export interface CliResult {
  args: string[];
  /** Exit code, or null when killed by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** The whole environment the CLI sees besides PATH/HOME (e.g. `t.env()`): nothing else leaks in from the test runner. */
  env: Record<string, string>;
  /** Written to stdin, then stdin is closed (stdin is a pipe, never a TTY). */
  input?: string;
  timeoutMs?: number;
  /** Close the reading end of stdout at once, as `| head` does once it has its lines: the CLI's writes then fail with EPIPE. */
  closeStdout?: boolean;
}

/** Runs `node bin/bifrost.mjs ...args` and collects its exit code and output. */
export function runCli(args: string[], options: CliOptions): Promise<CliResult> {
  const env: Record<string, string> = {};
  for (const name of ["PATH", "HOME", "TMPDIR", "LANG", "SYSTEMROOT"]) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  Object.assign(env, options.env);

  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: PROJECT_ROOT, env, stdio: ["pipe", "pipe", "pipe"] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    if (options.closeStdout) child.stdout.destroy();
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? CLI_TIMEOUT_MS);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({
        args,
        code,
        signal,
        stdout: Buffer.concat(stdout).toString("utf8"),
        stderr: Buffer.concat(stderr).toString("utf8"),
      });
    });
    // The CLI may exit before reading stdin (e.g. on an early error): ignore EPIPE.
    child.stdin.on("error", () => {});
    child.stdin.end(options.input ?? "");
  });
}

/** The non-empty lines of `text`. */
export function lines(text: string): string[] {
  return text.split(/\r?\n/).filter((line) => line.length > 0);
}

/** A TCP port on 127.0.0.1 that nothing listens on (bound once, then released). */
export async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Parses a table printed by the CLI (`printTable`: upper-case header, columns padded to a common
 * width) into rows keyed by lower-case column name, slicing each line at the header's offsets.
 */
export function parseTable(stdout: string): Record<string, string>[] {
  const [header, ...rows] = lines(stdout);
  if (!header) return [];
  const columns = [...header.matchAll(/\S+/g)].map((m) => ({ name: m[0].toLowerCase(), start: m.index! }));
  return rows.map((row) => {
    const cells: Record<string, string> = {};
    columns.forEach((column, i) => {
      const end = i + 1 < columns.length ? columns[i + 1].start : undefined;
      cells[column.name] = row.slice(column.start, end).trim();
    });
    return cells;
  });
}

/** A long-running `bifrost` process (worker, server) whose output the test can watch. */
export interface CliProcess {
  child: ReturnType<typeof spawn>;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Resolves when `pattern` shows up in the output; rejects after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Sends `signal` and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export function spawnCli(args: string[], options: { env: Record<string, string> }): CliProcess {
  const env: Record<string, string> = {};
  for (const name of ["PATH", "HOME", "TMPDIR", "LANG"]) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  Object.assign(env, options.env);
  const child = spawn(process.execPath, [BIN, ...args], { cwd: PROJECT_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let text = "";
  child.stdout!.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
  child.stderr!.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    child,
    output: () => text,
    async waitFor(pattern, timeoutMs = CLI_TIMEOUT_MS) {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(text)) {
        if (child.exitCode !== null)
          throw new Error(`bifrost ${args.join(" ")} exited (${child.exitCode}) before printing ${pattern}:\n${text}`);
        if (Date.now() > deadline)
          throw new Error(`bifrost ${args.join(" ")} did not print ${pattern} within ${timeoutMs} ms:\n${text}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async stop(signal = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
