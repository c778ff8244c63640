import { Option, type Command } from "commander";
import type { ScheduleView } from "../../schedules/schedule-view.ts";
import { ApiClient } from "../api-client.ts";
import { CliError } from "../cli-error.ts";
import { printJson, printOutcome, printTable } from "../output.ts";

/** `bifrost schedules create|list|pause|resume|delete`, through the API. */
export function registerScheduleCommands(program: Command): void {
  const schedules = program.command("schedules").description("cron schedules of workflows (through the API)");

  schedules
    .command("create <workflow>")
    .description("run a workflow on a cron schedule, for global scope or an org")
    .requiredOption(
      "--cron <expr>",
      'cron: 5 fields (minute hour day-of-month month day-of-week), or 6 with seconds first, e.g. "0 9 * * 1-5"',
    )
    .option("--tz <zone>", "IANA time zone the cron is read in", "UTC")
    .option("--org <name>", "run for this org; default: global for admin tokens, the token's org for org tokens")
    .option(
      "--param <key=value>",
      "a param; the value is JSON when it parses as JSON, else text (repeatable)",
      collect,
      [],
    )
    .addOption(
      new Option("--overlap <policy>", "skip: no new run while the last is pending or running; allow: start anyway")
        .choices(["skip", "allow"])
        .default("skip"),
    )
    .option("--paused", "create it paused")
    .option("--json", "print JSON")
    .action(
      async (
        workflow: string,
        options: {
          cron: string;
          tz: string;
          org?: string;
          param: string[];
          overlap: string;
          paused?: boolean;
          json?: boolean;
        },
      ) => {
        const params = Object.fromEntries(options.param.map(parseParam));
        const created = await new ApiClient().request<ScheduleView>("POST", "/api/schedules", {
          query: { scope: options.org },
          body: {
            workflow,
            cron: options.cron,
            timezone: options.tz,
            params,
            overlap: options.overlap,
            enabled: !options.paused,
          },
        });
        if (options.json) return printJson(created);
        process.stdout.write(
          `created schedule ${created.id}: ${created.workflow} at "${created.cron}" (${created.timezone})${created.nextRunAt ? `, next run ${created.nextRunAt}` : ", paused"}\n`,
        );
      },
    );

  schedules
    .command("list")
    .description("list schedules")
    .option("--org <name>", "only this org's (or `global`)")
    .option("--workflow <name>", "only this workflow's")
    .option("--json", "print JSON")
    .action(async (options: { org?: string; workflow?: string; json?: boolean }) => {
      const rows = await new ApiClient().request<ScheduleView[]>("GET", "/api/schedules", {
        query: { scope: options.org, workflow: options.workflow },
      });
      if (options.json) return printJson(rows);
      printTable(
        rows.map((s) => ({
          id: s.id,
          workflow: s.workflow,
          org: s.org?.name ?? "(global)",
          cron: s.cron,
          tz: s.timezone,
          state: s.enabled ? "enabled" : "paused",
          overlap: s.overlap,
          next: s.nextRunAt ?? "",
          last: s.lastRunAt ?? "",
        })),
        "(no schedules)",
      );
    });

  for (const [name, enabled] of [
    ["pause", false],
    ["resume", true],
  ] as const) {
    schedules
      .command(`${name} <id>`)
      .description(
        enabled ? "start firing a paused schedule again" : "stop a schedule firing (it is kept; resume it later)",
      )
      .option("--json", "print the outcome as JSON")
      .action(async (id: string, options: { json?: boolean }) => {
        const schedule = await new ApiClient().request<ScheduleView>(
          "PATCH",
          `/api/schedules/${encodeURIComponent(id)}`,
          { body: { enabled } },
        );
        printOutcome(
          options,
          schedule,
          enabled
            ? `resumed schedule ${schedule.id}: next run ${schedule.nextRunAt}`
            : `paused schedule ${schedule.id}`,
        );
      });
  }

  schedules
    .command("delete <id>")
    .description("delete a schedule")
    .option("--json", "print the outcome as JSON")
    .action(async (id: string, options: { json?: boolean }) => {
      await new ApiClient().request("DELETE", `/api/schedules/${encodeURIComponent(id)}`);
      printOutcome(options, { deleted: id }, `deleted schedule ${id}`);
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function parseParam(entry: string): [string, unknown] {
  const at = entry.indexOf("=");
  if (at <= 0) throw new CliError(`--param takes key=value, not ${JSON.stringify(entry)}`);
  const text = entry.slice(at + 1);
  try {
    return [entry.slice(0, at), JSON.parse(text)];
  } catch {
    return [entry.slice(0, at), text];
  }
}
