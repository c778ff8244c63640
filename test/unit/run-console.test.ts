import { Console } from "node:console";
import { inspect } from "node:util";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ExecutionLogger } from "../../sdk/execution-context.ts";
import { endRun, withinRun } from "../../src/workflows/runtime/current-run.ts";
import { SecretScrubber } from "../../src/secrets/index.ts";
import { captureConsole, endRunConsole } from "../../src/workflows/runtime/run-console.ts";

// Console capture is a routing rule: inside a run, to the run's log; outside, to the console as before.

const saved = { log: console.log, error: console.error };
afterEach(() => Object.assign(console, saved));

/** A run's `ctx.log` that records [level, message] pairs. */
function runLog() {
  const lines: [string, string][] = [];
  const log: ExecutionLogger = {
    debug: (m) => lines.push(["debug", m]),
    info: (m) => lines.push(["info", m]),
    warn: (m) => lines.push(["warn", m]),
    error: (m) => lines.push(["error", m]),
  };
  return { log, lines };
}

describe("captureConsole", () => {
  it("sends console output of a run's code to its log, formatted as console would, and leaves the rest alone", async () => {
    const outside = vi.fn();
    console.log = outside;
    const { log, lines } = runLog();
    const restore = captureConsole();

    console.log("before %d", 1);
    await withinRun(log, async () => {
      console.log("count %d of %s", 2, "x");
      await new Promise((resolve) => setTimeout(resolve, 1)); // still the run's after an await
      console.error({ nested: true });
    });
    console.log("after");
    restore();

    expect(lines).toEqual([
      ["info", "count 2 of x"],
      ["error", "{ nested: true }"],
    ]);
    expect(outside.mock.calls).toEqual([["before %d", 1], ["after"]]);
    expect(console.log).toBe(outside);
  });

  it("sends what a run writes to process.stdout/stderr (console.dir, console.table, warnings, direct writes) to its log, a line an entry", async () => {
    const written: string[] = [];
    const saved = { out: process.stdout.write, err: process.stderr.write };
    process.stdout.write = ((chunk: string) => written.push(`out:${chunk}`) > 0) as typeof process.stdout.write;
    process.stderr.write = ((chunk: string) => written.push(`err:${chunk}`) > 0) as typeof process.stderr.write;
    const { log, lines } = runLog();
    const restore = captureConsole();
    try {
      process.stdout.write("outside\n");
      let calledBack = false;
      await withinRun(log, async () => {
        // vitest replaces the global console; a Console on the process streams behaves as Node's does.
        new Console(process.stdout, process.stderr).dir({ a: 1 });
        process.stdout.write(Buffer.from("bytes\n"));
        process.stdout.write("aGk=", "base64", () => (calledBack = true));
        process.stdout.write(" (");
        process.stdout.write("sk_live_ü", "utf16le");
        process.stdout.write(Buffer.from(", ü-secret").toString("binary"), "binary");
        process.stdout.write(Buffer.from([0x2c, 0x20, 0xc3]));
        process.stdout.write("\xbc)", "latin1");
        expect(() => process.stdout.write("lost", "utf-9" as BufferEncoding)).toThrow(
          expect.objectContaining({ code: "ERR_UNKNOWN_ENCODING" }),
        );
        process.stdout.write(" and a line written in pieces: to");
        process.stdout.write("ken\n");
        process.stderr.write("to stderr\n");
        process.emitWarning("careful");
        await new Promise((resolve) => setTimeout(resolve, 5));
        process.stdout.write("an unfinished last line");
      });
      endRunConsole(log);
      process.stderr.write("outside too\n");
      expect(calledBack).toBe(true);
    } finally {
      restore();
      Object.assign(process.stdout, { write: saved.out });
      Object.assign(process.stderr, { write: saved.err });
    }

    expect(lines).toEqual([
      ["info", "{ a: 1 }"],
      ["info", "bytes"],
      ["info", "hi (sk_live_ü, ü-secret, ü) and a line written in pieces: token"],
      ["error", "to stderr"],
      ["error", expect.stringContaining("Warning: careful")],
      ["info", "an unfinished last line"],
    ]);
    expect(written).toEqual(["out:outside\n", "err:outside too\n"]);
  });

  it("shows strings in objects whole and in one piece (console.log, console.dir, console.table), however long, line breaks and all; and restores inspect", async () => {
    const { log, lines } = runLog();
    // Past inspect's 10,000 characters, and in lines as a PEM key is (inspect would cut it in pieces joined by +).
    const secret = `sk_live_${Array.from({ length: 170 }, (_, i) => `${i}`.padEnd(64, "0123456789")).join("\n")}\n`;
    const saved = { out: process.stdout.write };
    process.stdout.write = (() => true) as typeof process.stdout.write;
    const restore = captureConsole();
    try {
      withinRun(log, () => {
        console.log({ secret });
        const streams = new Console(process.stdout, process.stderr);
        streams.dir({ nested: { secret } });
        streams.table([{ secret }]);
      });
    } finally {
      restore();
      Object.assign(process.stdout, { write: saved.out });
    }
    const onePiece = inspect(secret, { maxStringLength: Infinity, breakLength: Infinity }).slice(1, -1);
    expect(lines.map(([, message]) => message.replace(onePiece, "…"))).toEqual([
      "{ secret: '…' }",
      "{ nested: { secret: '…' } }",
      expect.stringContaining("'…'"),
    ]);
    expect(inspect({ secret })).toContain("more characters");
    expect(inspect({ secret: secret.slice(0, 200) })).toContain("' +\n");
  });

  it("shows Buffers and arrays whole (a secret's bytes past the 50th, its 101st character in an array), and restores the defaults", async () => {
    const { log, lines } = runLog();
    const secret = `sk_live_${"0123456789".repeat(12)}`;
    const restore = captureConsole();
    try {
      withinRun(log, () => {
        console.log(Buffer.from(secret));
        console.log([...secret]);
      });
    } finally {
      restore();
    }
    expect(lines[0][1]).toBe(
      `<Buffer ${Buffer.from(secret)
        .toString("hex")
        .replace(/(..)(?!$)/g, "$1 ")}>`,
    );
    expect(lines[1][1]).not.toContain("more item");
    expect(new SecretScrubber([secret]).scrub(lines.map(([, message]) => message).join("\n"))).toBe(
      "<Buffer [REDACTED]>\n" + lines[1][1],
    );
    expect(inspect(Buffer.from(secret))).toContain("more bytes");
    expect(inspect([...secret])).toContain("more items");
  });

  it("never cuts a line: one past 64 KiB written in pieces is one entry, a secret across the pieces whole", async () => {
    const { log, lines } = runLog();
    const secret = "sk_live_0123456789abcdef";
    const long = "x".repeat(70_000);
    const restore = captureConsole();
    try {
      withinRun(log, () => {
        process.stdout.write(`${long.slice(0, 65_530)}${secret.slice(0, 10)}`);
        process.stdout.write(`${secret.slice(10)}${long}\n`);
      });
    } finally {
      restore();
    }
    expect(lines).toEqual([["info", `${long.slice(0, 65_530)}${secret}${long}`]]);
  });

  it("drops an unfinished line held past 262,144 characters whole, with a note in its place, and goes on", async () => {
    const { log, lines } = runLog();
    const restore = captureConsole();
    try {
      withinRun(log, () => {
        for (let i = 0; i < 10; i++) process.stdout.write(`${"y".repeat(29_990)}sk_live_0123`);
        process.stdout.write("end\n");
        process.stdout.write("after\n");
        process.stderr.write("z".repeat(300_000)); // unfinished when the run ends
      });
      endRunConsole(log);
    } finally {
      restore();
    }
    expect(lines).toEqual([
      [
        "warn",
        expect.stringMatching(
          /^A line of 300,023 characters written to stdout in pieces was not kept: a line is logged whole or not at all .* held up to 262,144 characters$/,
        ),
      ],
      ["info", "after"],
      ["warn", expect.stringMatching(/^A line of 300,000 characters written to stderr in pieces was not kept/)],
    ]);
  });

  it("decodes bytes across writes: a character split between two writes is whole", async () => {
    const { log, lines } = runLog();
    const bytes = Buffer.from("secret café ✓\n", "utf8");
    const cut = bytes.indexOf(0xa9); // the second byte of "é"
    const restore = captureConsole();
    try {
      withinRun(log, () => {
        process.stdout.write(bytes.subarray(0, cut));
        process.stdout.write(bytes.subarray(cut, cut + 3));
        process.stdout.write(bytes.subarray(cut + 3));
        process.stdout.write(Buffer.from([0xe2, 0x9c])); // the first two bytes of "✓", then the run ends
      });
      endRunConsole(log);
    } finally {
      restore();
    }
    expect(lines).toEqual([
      ["info", "secret café ✓"],
      ["info", "\ufffd"],
    ]);
  });

  it("sends the lines a write finishes at once, however the writes fall, keeping only the unfinished rest", async () => {
    const { log, lines } = runLog();
    const bytes = Buffer.from("first\nsecond\n€uro third", "utf8");
    const restore = captureConsole();
    try {
      withinRun(log, () => {
        // Piped output: chunks that end anywhere, here inside "€" (3 bytes) right after a newline.
        process.stdout.write(bytes.subarray(0, 14));
        process.stdout.write(bytes.subarray(14));
        process.stdout.write(` and more\n${"y".repeat(300_000)}`); // a line finished, then one too long begun
        process.stdout.write("z\nlast\n");
      });
    } finally {
      restore();
    }
    expect(lines).toEqual([
      ["info", "first\nsecond"],
      ["info", "€uro third and more"],
      ["warn", expect.stringMatching(/^A line of 300,001 characters written to stdout in pieces was not kept/)],
      ["info", "last"],
    ]);
  });

  it("lets nothing a run's code prints after the run ended reach its log or the worker's output", async () => {
    const written: string[] = [];
    const saved = { out: process.stdout.write };
    process.stdout.write = ((chunk: string) => written.push(chunk) > 0) as typeof process.stdout.write;
    const { log, lines } = runLog();
    const restore = captureConsole();
    let calledBack = false;
    try {
      await new Promise<void>((resolve) => {
        withinRun(log, () =>
          setTimeout(() => {
            new Console(process.stdout, process.stderr).log("late, holding sk_live_0123456789");
            process.stdout.write("late too\n", () => (calledBack = true));
            resolve();
          }, 5),
        );
        endRunConsole(log);
        endRun(log);
      });
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      restore();
      Object.assign(process.stdout, { write: saved.out });
    }
    expect(lines).toEqual([]);
    expect(written).toEqual([]);
    expect(calledBack).toBe(true);
  });
});
