import type { Command } from "commander";
import { CliError } from "../cli-error.ts";

/** Commands that work on the database directly (no API): `migrate`, `tokens create`. */
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

  const tokens = program.command("tokens").description("API tokens");
  tokens
    .command("create")
    .description("create an API token and print it once (works on the database directly)")
    .option("--admin", "a token that manages global configs and every org")
    .option("--org <name>", "a token that acts only inside this org")
    .option("--name <name>", "a label for audit rows, e.g. ci-deploy")
    .action(async (options: { admin?: boolean; org?: string; name?: string }) => {
      if (Boolean(options.admin) === Boolean(options.org)) throw new CliError("give exactly one of --admin or --org <name>");
      const { openPlatform } = await import("../../platform/platform.ts");
      const { createLogger } = await import("../../logging/logger.ts");
      const platform = await openPlatform({ logger: createLogger({ level: "warn", destination: process.stderr }) });
      try {
        let created;
        if (options.org) {
          const org = await platform.orgs.find(options.org);
          if (!org) throw new CliError(`no org named "${options.org}": create it first with \`bifrost orgs create ${options.org}\``);
          created = await platform.tokens.create({ role: "org", org }, options.name, "cli");
        } else {
          created = await platform.tokens.create({ role: "admin" }, options.name, "cli");
        }
        process.stderr.write(`Created ${created.kind} token "${created.name}"${created.org ? ` for org ${created.org.name}` : ""}. It is shown once; store it now.\n`);
        process.stdout.write(`${created.token}\n`);
      } finally {
        await platform.close();
      }
    });
}
