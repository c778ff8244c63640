import type { Command } from "commander";
import { printOutcome } from "../output.ts";
/** `migrate`: works on the database directly (no API), as `tokens create` does (token-commands.ts). */
export function registerDatabaseCommands(program: Command): void {
  program
    .command("migrate")
    .description("apply pending database migrations (start does this too)")
    .option("--json", "print the migrations applied as JSON")
    .action(async (options: { json?: boolean }) => {
      const { loadSettings } = await import("../../platform/settings.ts");
      const { openDatabase } = await import("../../storage/database.ts");
      const { migrate } = await import("../../storage/migrator.ts");
      const settings = loadSettings();
      const db = await openDatabase(settings.databaseUrl);
      try {
        const applied = await migrate(db);
        printOutcome(
          options,
          { applied },
          applied.length ? `applied: ${applied.join(", ")}` : "database is up to date",
        );
      } finally {
        await db.close();
      }
    });
}
