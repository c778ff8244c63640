import type { Command } from "commander";
import { CliError } from "../cli-error.ts";
import { printJson, printOutcome, printTable } from "../output.ts";

/**
 * `bifrost keys status|rotate`: key rotation without downtime. They work on the database directly,
 * with the same DATABASE_URL, BIFROST_SECRET_KEY and BIFROST_SECRET_KEY_PREVIOUS as the servers.
 */
export function registerKeyCommands(program: Command): void {
  const keys = program.command("keys").description("secret key rotation (works on the database directly)");

  keys
    .command("status")
    .description(
      "how many secrets are under which key fingerprint (the previous keys can go when none are left under them)",
    )
    .option("--json", "print JSON")
    .action(async (options: { json?: boolean }) => {
      await withRotation(async (rotation) => {
        const status = await rotation.status();
        if (options.json) return printJson(status);
        printTable(status.keys.map((k) => ({ fingerprint: k.fingerprint, key: k.role, secrets: String(k.secrets) })));
        if (status.withoutValue)
          process.stdout.write(`${status.withoutValue} secret(s) have no value yet (nothing to rotate)\n`);
        process.stdout.write(
          status.done
            ? "every secret is under the current key: BIFROST_SECRET_KEY_PREVIOUS can be removed\n"
            : "some secrets are under a previous key: run `bifrost keys rotate`\n",
        );
      });
    });

  keys
    .command("rotate")
    .description("re-encrypt every secret under BIFROST_SECRET_KEY (safe while serving; run again to resume)")
    .option("--batch-size <n>", "secrets per transaction", "500")
    .option("--json", "print the counts as JSON (no progress bar)")
    .action(async (options: { batchSize: string; json?: boolean }) => {
      const batchSize = Number(options.batchSize);
      if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000)
        throw new CliError("--batch-size must be an integer from 1 to 10000");
      await withRotation(async (rotation) => {
        const result = await rotation.rotate({
          actor: "cli:keys rotate",
          batchSize,
          onProgress: options.json ? undefined : progressBar(),
        });
        const skipped = result.skipped ? `, ${result.skipped} changed meanwhile (already under the current key)` : "";
        printOutcome(
          options,
          result,
          `rotated ${result.rotated} secret(s)${skipped}; ${result.remaining} left under other keys`,
        );
        if (result.remaining > 0)
          throw new CliError(
            `${result.remaining} secret(s) are still under another key: run \`bifrost keys rotate\` again`,
          );
      });
    });
}

async function withRotation(
  fn: (rotation: import("../../secrets/index.ts").KeyRotation) => Promise<void>,
): Promise<void> {
  const { openPlatform } = await import("../../platform/platform.ts");
  const { createLogger } = await import("../../logging/logger.ts");
  const { KeyRotation } = await import("../../secrets/index.ts");
  const platform = await openPlatform({ logger: createLogger({ level: "warn", destination: process.stderr }) });
  try {
    await fn(new KeyRotation(platform.db, platform.cipher, platform.audit));
  } finally {
    await platform.close();
  }
}

/** A bar on a terminal; a line per batch otherwise (logs, CI). */
function progressBar(): (done: number, total: number) => void {
  const tty = process.stderr.isTTY;
  return (done, total) => {
    const share = total === 0 ? 1 : done / total;
    const width = 30;
    const bar = "#".repeat(Math.round(share * width)).padEnd(width, ".");
    const line = `rotating [${bar}] ${done}/${total} (${Math.round(share * 100)}%)`;
    process.stderr.write(tty ? `\r${line}${done === total ? "\n" : ""}` : `${line}\n`);
  };
}
