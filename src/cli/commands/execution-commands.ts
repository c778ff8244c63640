import { Command, Option } from "commander";
import { ExecutionTrigger } from "../../executions/execution-trigger.ts";
import type { ExecutionSummary, ExecutionView } from "../../executions/execution-view.ts";
import { ApiClient } from "../api-client.ts";
import { CliError, EXIT } from "../cli-error.ts";
import { followExecution } from "../event-stream.ts";
import type { StoredLogEntry } from "../../executions/execution-log-store.ts";
import type { LogPage } from "../../executions/log-page-view.ts";
import type { PruneResult } from "../../executions/prune-result-view.ts";
import { printJson, printOutcome, printTable } from "../output.ts";

const STATUSES = ["pending", "running", "success", "failed", "timeout", "cancelled"];

/** `bifrost run` and `bifrost executions list|get|cancel`, through the API. */
export function registerExecutionCommands(program: Command): void {
  program
    .command("run <workflow>")
    .description(
      "run a workflow and wait for its end, printing its log lines as they come; exits non-zero unless it succeeds",
    )
    .option(
      "--org <name>",
      "run for this org (its configs shadow the global ones); default: global for admin tokens, the token's org for org tokens",
    )
    .option(
      "--param <key=value>",
      "a param; the value is JSON when it parses as JSON (5, true, [1]), else text (repeatable)",
      collect,
      [],
    )
    .option("--params <json>", "all params as one JSON object (--param entries are merged over it)")
    .option(
      "--user-config <name=value>",
      "per-user config, sent as a Config-<name> header (repeatable; visible in `ps`, prefer the API for real credentials)",
      collect,
      [],
    )
    .option("--wait <ms>", "how long to wait for the end", "60000")
    .option("--no-wait", "print the execution id and return at once")
    .option("--json", "print the execution as JSON")
    .action(async (workflow: string, options: RunOptions) => {
      const params = {
        ...parseParamsJson(options.params),
        ...Object.fromEntries(options.param.map((entry) => parseParam(entry))),
      };
      const headers = Object.fromEntries(
        options.userConfig.map((entry) => {
          const [name, value] = splitPair(entry, "--user-config");
          return [`Config-${name}`, value];
        }),
      );
      const wait = options.wait === false ? undefined : String(parseWait(options.wait));
      const api = new ApiClient();
      // Human output follows the run's lines as they are stored; --json waits and prints the whole execution.
      const live = !options.json && wait !== undefined;
      const started = await api.request<ExecutionView>(
        "POST",
        `/api/workflows/${encodeURIComponent(workflow)}/executions`,
        {
          query: { scope: options.org, wait: live ? undefined : wait },
          body: { params },
          headers: { ...headers, "Bifrost-Trigger": "cli" },
        },
      );
      let execution = started;
      if (live) {
        await followExecution(api, started.id, printLine, { until: Date.now() + Number(wait) });
        execution = await api.request<ExecutionView>("GET", `/api/executions/${encodeURIComponent(started.id)}`);
      }
      if (options.json) printJson(execution);
      else printExecution(execution, { logs: !live });
      if (execution.status === "pending" || execution.status === "running") {
        if (wait !== undefined)
          process.stderr.write(
            `still ${execution.status} after ${wait} ms: follow it with \`bifrost executions get ${execution.id}\`\n`,
          );
        return;
      }
      if (execution.status !== "success") {
        const message = `execution ${execution.id} ended ${execution.status}${execution.error ? `: ${execution.error.split("\n")[0]}` : ""}`;
        throw new CliError(message, EXIT.failed, `EXECUTION_${execution.status.toUpperCase()}`);
      }
    });

  const executions = program.command("executions").description("workflow executions (through the API)");

  executions
    .command("list")
    .description("list executions, newest first")
    .option("--workflow <name>", "only this workflow")
    .addOption(new Option("--status <status>", "only this status").choices(STATUSES))
    .addOption(new Option("--trigger <trigger>", "only runs asked for this way").choices(ExecutionTrigger.options))
    .option("--org <name>", "only this org's (or `global`)")
    .option("--limit <n>", "how many", "50")
    .option("--json", "print JSON")
    .action(
      async (options: {
        workflow?: string;
        status?: string;
        trigger?: string;
        org?: string;
        limit: string;
        json?: boolean;
      }) => {
        const rows = await new ApiClient().request<ExecutionSummary[]>("GET", "/api/executions", {
          query: {
            workflow: options.workflow,
            status: options.status,
            trigger: options.trigger,
            scope: options.org,
            limit: options.limit,
          },
        });
        if (options.json) return printJson(rows);
        printTable(
          rows.map((e) => ({
            id: e.id,
            workflow: e.workflow,
            org: e.org?.name ?? "(global)",
            status: e.status,
            trigger: e.trigger,
            created: e.createdAt,
            duration: e.durationMs === null ? "" : `${e.durationMs} ms`,
          })),
          "(no executions)",
        );
      },
    );

  executions
    .command("get <id>")
    .description("show one execution: status, result, error and logs (as stored: scrubbed of secrets)")
    .option("--json", "print JSON")
    .action(async (id: string, options: { json?: boolean }) => {
      const execution = await new ApiClient().request<ExecutionView>(
        "GET",
        `/api/executions/${encodeURIComponent(id)}`,
      );
      if (options.json) printJson(execution);
      else printExecution(execution);
    });

  executions
    .command("logs <id>")
    .description(
      "print an execution's log lines (as stored: scrubbed of secrets); --follow prints new ones as they come until it ends",
    )
    .option("-f, --follow", "keep printing lines as the run writes them, until it ends")
    .option("--json", "one JSON object a line: {seq, at, level, message}")
    .action(async (id: string, options: { follow?: boolean; json?: boolean }) => {
      const api = new ApiClient();
      const print = options.json
        ? (line: StoredLogEntry) => process.stdout.write(`${JSON.stringify(line)}\n`)
        : printLine;
      if (options.follow) {
        await followExecution(api, id, print);
        return;
      }
      for (let after = 0; ;) {
        const page = await api.request<LogPage>("GET", `/api/executions/${encodeURIComponent(id)}/logs`, {
          query: { after },
        });
        page.logs.forEach(print);
        if (page.logs.length === 0) return;
        after = page.nextAfter;
      }
    });

  executions
    .command("prune")
    .description(
      "delete finished executions (and their log lines) older than a duration; default: BIFROST_EXECUTION_RETENTION_DAYS of the API (admin)",
    )
    .option("--older-than <duration>", "30s, 15m, 12h, 7d: finished longer ago than this")
    .option("--dry-run", "count what would be deleted, delete nothing")
    .option("--json", "print JSON")
    .action(async (options: { olderThan?: string; dryRun?: boolean; json?: boolean }) => {
      const result = await new ApiClient().request<PruneResult>("POST", "/api/executions/prune", {
        body: {
          ...(options.olderThan === undefined ? {} : { olderThan: options.olderThan }),
          dryRun: options.dryRun === true,
        },
      });
      if (options.json) return printJson(result);
      process.stdout.write(
        `${result.dryRun ? "would delete" : "deleted"} ${result.executions} execution(s) and ${result.logLines} log line(s) finished before ${result.before}\n`,
      );
    });

  executions
    .command("cancel <id>")
    .description("cancel a pending or running execution (a running one is told to stop through ctx.signal)")
    .option("--json", "print the outcome as JSON")
    .action(async (id: string, options: { json?: boolean }) => {
      const execution = await new ApiClient().request<ExecutionView>(
        "POST",
        `/api/executions/${encodeURIComponent(id)}/cancel`,
      );
      printOutcome(
        options,
        execution,
        execution.status === "cancelled" ? `cancelled ${id}` : `asked ${id} to stop; it is ${execution.status}`,
      );
    });
}

interface RunOptions {
  org?: string;
  param: string[];
  params?: string;
  userConfig: string[];
  wait: string | false;
  json?: boolean;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function splitPair(entry: string, flag: string): [string, string] {
  const at = entry.indexOf("=");
  if (at <= 0) throw new CliError(`${flag} takes name=value, not ${JSON.stringify(entry)}`);
  return [entry.slice(0, at), entry.slice(at + 1)];
}

function parseParam(entry: string): [string, unknown] {
  const [key, text] = splitPair(entry, "--param");
  try {
    return [key, JSON.parse(text)];
  } catch {
    return [key, text];
  }
}

function parseParamsJson(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new CliError("--params is not valid JSON");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw new CliError("--params must be a JSON object");
  return parsed as Record<string, unknown>;
}

function parseWait(text: string): number {
  const ms = Number(text);
  if (!Number.isInteger(ms) || ms < 0 || ms > 300_000)
    throw new CliError(`--wait must be milliseconds from 0 to 300000, not ${JSON.stringify(text)}`);
  return ms;
}

function printLine(line: StoredLogEntry): void {
  process.stdout.write(`  ${line.at} ${line.level.padEnd(5)} ${line.message}\n`);
}

/** @param options.logs false when the lines were printed already (followed live) */
function printExecution(e: ExecutionView, options: { logs: boolean } = { logs: true }): void {
  const where = e.org ? `org ${e.org.name}` : "global";
  process.stdout.write(
    `${e.workflow} ${e.status} (${where}, id ${e.id}${e.durationMs === null ? "" : `, ${e.durationMs} ms`}${e.attempts > 1 ? `, ${e.attempts} attempts` : ""})\n`,
  );
  if (options.logs) for (const line of e.logs ?? []) printLine(line);
  if (e.error) process.stdout.write(`error: ${e.error}\n`);
  if (e.result !== null && e.result !== undefined) process.stdout.write(`${JSON.stringify(e.result, null, 2)}\n`);
}
