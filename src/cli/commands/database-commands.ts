import type { Command } from "commander";
/** `migrate`: works on the database directly (no API), as `tokens create` does (token-commands.ts). */
export function registerDatabaseCommands(program: Command): void {
  program
    .command("migrate")
    .description("apply pending database migrations (start does this too)")
    .action(async () => {
      const { loadSettings } = await import("../../platform/settings.ts");
      const { openDatabase } = await import("../../storage/database.ts");
      const { migrate } = await import("../../storage/migrator.ts");
      const settings = loadSettings();
      const db = await openDatabase(settings.databaseUrl);
      try {
        const applied = await migrate(db);
        process.stdout.write(applied.length ? `applied: ${applied.join(", ")}\n` : "database is up to date\n");
      } finally {
        await db.close();
      }
    });
}
