import { Command, Option } from "commander";
import { ApiClient } from "../api-client.ts";
import { CliError } from "../cli-error.ts";
import { MASK, formatValue, printJson, printOutcome, printTable } from "../output.ts";
import { readSecretValue } from "../read-secret.ts";
import { configImportCommand } from "./config-import-command.ts";
import { ConfigType } from "../../configs/config-type.ts";
import type { ConfigView, ConfigWriteView, EffectiveConfigView } from "../../configs/config-view.ts";
import type { AuditRecord } from "../../audit/audit-view.ts";
import type { SessionView } from "../../auth/session-view.ts";
import type { OrgView } from "../../orgs/org-view.ts";

const orgOption = () =>
  new Option(
    "--org <name>",
    "the org (name or id); default: global scope for admin tokens, the token's org for org tokens",
  );

export function registerConfigCommands(program: Command): void {
  const config = program.command("config").description("typed configs and secrets (through the API)");

  config
    .command("set <key> [value]")
    .description("create or replace a config; a secret's value is prompted for (or read from stdin) when not given")
    .addOption(new Option("--type <type>", "the value's type").choices(ConfigType.options))
    .option("--secret", "store as an encrypted, write-only secret (same as --type secret)")
    .addOption(orgOption())
    .option("--description <text>", "what the config is for")
    .option("--json", "print the stored config as JSON")
    .action(
      async (
        key: string,
        value: string | undefined,
        options: { type?: string; secret?: boolean; org?: string; description?: string; json?: boolean },
      ) => {
        if (options.secret && options.type && options.type !== "secret")
          throw new CliError("--secret conflicts with --type " + options.type);
        const type = options.secret ? "secret" : (options.type ?? "string");
        if (value === undefined) {
          if (type !== "secret") throw new CliError(`missing value for "${key}" (only secrets are prompted for)`);
          value = await readSecretValue(key);
        }
        const body = {
          type,
          value,
          ...(options.description === undefined ? {} : { description: options.description }),
        };
        const client = new ApiClient();
        const saved = await client.request<ConfigWriteView>("PUT", `/api/configs/${encodeURIComponent(key)}`, {
          query: { scope: options.org },
          body,
        });
        for (const warning of saved.warnings ?? []) process.stderr.write(`warning: ${warning}\n`);
        if (options.json) printJson(saved);
        else
          process.stdout.write(
            `set ${saved.key} (${saved.type}) at ${saved.scope === "global" ? "global scope" : await scopeLabel(client, options.org)}\n`,
          );
      },
    );

  config
    .command("get <key>")
    .description("print the effective value for a scope (org value, else global); secrets print masked")
    .addOption(orgOption())
    .option("--json", "print key, type, value, resolvedFrom as JSON")
    .action(async (key: string, options: { org?: string; json?: boolean }) => {
      const found = await new ApiClient().request<EffectiveConfigView>(
        "GET",
        `/api/configs/${encodeURIComponent(key)}`,
        { query: { scope: options.org } },
      );
      if (options.json) printJson(found);
      else if (found.masked) process.stdout.write(`${found.hasValue ? MASK : "(no value)"}\n`);
      else process.stdout.write(`${typeof found.value === "string" ? found.value : JSON.stringify(found.value)}\n`);
    });

  config
    .command("list")
    .description("list the configs of a scope")
    .addOption(orgOption())
    .option("--effective", "for an org: every key it can read, with where each comes from")
    .option("--json", "print JSON")
    .action(async (options: { org?: string; effective?: boolean; json?: boolean }) => {
      const list = await new ApiClient().request<(ConfigView & Partial<EffectiveConfigView>)[]>("GET", "/api/configs", {
        query: { scope: options.org, effective: options.effective ? "true" : undefined },
      });
      if (options.json) return printJson(list);
      printTable(
        list.map((c) => ({
          key: c.key,
          type: c.type,
          value: formatValue(c),
          ...(options.effective ? { from: c.resolvedFrom === "global" ? "global" : "org" } : {}),
          description: c.description ?? "",
          updated: `${c.updatedAt} by ${c.updatedBy}`,
        })),
        "(no configs)",
      );
    });

  config
    .command("delete <key>")
    .description("delete a config from a scope (an org's delete lets the global value show through)")
    .addOption(orgOption())
    .option("--json", "print the outcome as JSON")
    .action(async (key: string, options: { org?: string; json?: boolean }) => {
      const client = new ApiClient();
      await client.request("DELETE", `/api/configs/${encodeURIComponent(key)}`, { query: { scope: options.org } });
      const scope = await scopeName(client, options.org);
      printOutcome(
        options,
        { deleted: key, scope },
        `deleted ${key} from ${scope === "global" ? "global scope" : `org ${scope}`}`,
      );
    });

  config.addCommand(configImportCommand());
  config.addCommand(auditCommand("audit"));
  program.addCommand(auditCommand("audit"));
}

/**
 * The scope a command acted on, as people read it: `global scope` or `org <name>`. Without --org
 * the API used the token's own scope (global for an admin token, its org for an org token).
 */
async function scopeLabel(client: ApiClient, org: string | undefined): Promise<string> {
  const scope = await scopeName(client, org);
  return scope === "global" ? "global scope" : `org ${scope}`;
}

/** `global`, or the org's name (or id, as given). */
async function scopeName(client: ApiClient, org: string | undefined): Promise<string> {
  if (org !== undefined) return org.toLowerCase() === "global" ? "global" : org;
  const session = await client.request<SessionView>("GET", "/api/session");
  return session.org?.name ?? "global";
}

/** `bifrost config audit` and `bifrost audit`: who changed or read what, newest first. */
function auditCommand(name: string): Command {
  return new Command(name)
    .description("show the audit log (never values), newest first")
    .argument("[key]", "only this config key")
    .addOption(new Option("--org <name>", "only this org's rows (or `global`)"))
    .option("--action <action>", "only this action, e.g. config.update or secret.read")
    .option("--contains <text>", "only keys holding this text")
    .option("--since <time>", "rows at or after this ISO time, e.g. 2026-12-01T00:00:00Z")
    .option("--until <time>", "rows before this ISO time")
    .option("--limit <n>", "how many rows", "50")
    .option("--json", "print JSON")
    .action(
      async (
        key: string | undefined,
        options: {
          org?: string;
          action?: string;
          contains?: string;
          since?: string;
          until?: string;
          limit: string;
          json?: boolean;
        },
      ) => {
        const client = new ApiClient();
        const rows = await client.request<AuditRecord[]>("GET", "/api/audit", {
          query: {
            key,
            keyContains: options.contains,
            since: options.since,
            until: options.until,
            scope: options.org,
            action: options.action,
            limit: options.limit,
          },
        });
        if (options.json) return printJson(rows);
        // Rows name an org by id (stable across renames); people read names.
        const names = rows.some((r) => r.scope !== "global")
          ? new Map((await client.request<OrgView[]>("GET", "/api/orgs")).map((org) => [org.id, org.name]))
          : new Map<string, string>();
        printTable(
          rows.map((r) => ({
            at: r.at,
            actor: r.actor,
            action: r.action,
            scope: names.get(r.scope) ?? r.scope,
            key: r.key ?? "",
            execution: r.executionId ?? "",
          })),
          "(no audit rows)",
        );
      },
    );
}
