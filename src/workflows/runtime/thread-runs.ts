import "reflect-metadata";
import { container } from "tsyringe";
import { runWithConfigAccess, type ConfigAccess } from "../../../sdk/config-access.ts";
import type { ExecutionContext, ExecutionLogEntry } from "../../../sdk/execution-context.ts";
import { checkedResult, collectingLogger, storedResult, userConfigOf } from "../../../sdk/execution-parts.ts";
import type { WorkflowDefinition } from "../../../sdk/workflow-definition.ts";
import { normalizeConfigKey } from "../../configs/config-key.ts";
import { ValidationError } from "../../errors/index.ts";
import { rebuildError, serializeError } from "../port-errors.ts";
import type { ConfigCall, ConfigReply, FromThread, RunEnd, RunRequest, SerializedError } from "../thread-protocol.ts";
import { endRun, withinRun } from "./current-run.ts";
import { errorText } from "./error-text.ts";
import { endRunConsole } from "./run-console.ts";

interface ThreadRun {
  request: RunRequest;
  controller: AbortController;
  /** Every entry of the run's log; those from `posted` on have not been sent yet. */
  entries: ExecutionLogEntry[];
  posted: number;
  flushing: boolean;
  log: ReturnType<typeof collectingLogger>;
}

/**
 * The runs a workflow thread holds. Each run's code runs with its log as the current run
 * (current-run.ts), so what it prints and what it leaves unhandled are its own; its log goes to the
 * worker in batches, at most one a turn of the event loop; its `config` calls go to the worker,
 * which holds the database and the key and decides (declared secrets, authority), and each key's
 * answer is kept for the run, so a loop of reads costs one trip. Nothing here scrubs: the worker
 * scrubs everything a run sends before it is stored.
 */
export class ThreadRuns {
  private readonly runs = new Map<string, ThreadRun>();
  private readonly runsByLog = new WeakMap<object, { runId: string; executionId: string; workflow: string }>();
  private readonly calls = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private nextCall = 0;

  constructor(
    private readonly definitions: Map<string, WorkflowDefinition>,
    private readonly post: (message: FromThread) => void,
  ) {}

  /** The run whose log this is (for errors its code leaves unhandled). */
  runOf(log: object): { runId: string; executionId: string; workflow: string } | undefined {
    return this.runsByLog.get(log);
  }

  async start(request: RunRequest): Promise<void> {
    const entries: ExecutionLogEntry[] = [];
    const log = collectingLogger(entries);
    const run: ThreadRun = { request, controller: new AbortController(), entries, posted: 0, flushing: false, log };
    // Every line a run logs schedules a flush; console output goes through the same logger.
    const logger = {
      debug: (message: string) => this.logged(run, () => log.debug(message)),
      info: (message: string) => this.logged(run, () => log.info(message)),
      warn: (message: string) => this.logged(run, () => log.warn(message)),
      error: (message: string) => this.logged(run, () => log.error(message)),
    };
    this.runs.set(request.runId, run);
    this.runsByLog.set(logger, { runId: request.runId, executionId: request.executionId, workflow: request.workflow });
    const reads: Record<string, number> = {};
    let end: RunEnd;
    try {
      const definition = this.definitions.get(request.workflow);
      if (!definition) throw new Error(`Workflow "${request.workflow}" is not loaded in this thread`);
      const ctx: ExecutionContext = {
        executionId: request.executionId,
        workflowName: definition.name,
        org: request.org,
        log: logger,
        userConfig: userConfigOf(request.userConfig),
        signal: run.controller.signal,
      };
      const params = definition.params ? parseParams(definition, request.params) : request.params;
      const instance = container.createChildContainer().resolve(definition.target) as Record<
        string,
        (...args: unknown[]) => unknown
      >;
      const value = await withinRun(logger, () =>
        runWithConfigAccess(this.accessFor(request, reads), () =>
          Promise.resolve(instance[definition.method](ctx, params)),
        ),
      );
      end = { ok: true, result: storedResult(definition.name, checkedResult(definition, value)) };
    } catch (error) {
      end = { ok: false, error: errorText(error) };
    } finally {
      endRunConsole(logger);
      endRun(logger);
    }
    this.runs.delete(request.runId);
    this.flush(run, true);
    this.post({ kind: "done", runId: request.runId, end, secretReads: reads });
  }

  /** Aborts the run's `ctx.signal` (a timeout or a cancel); answering shows the worker this thread still responds. */
  abort(runId: string, reason: string): void {
    this.runs.get(runId)?.controller.abort(new Error(reason));
    this.post({ kind: "aborted", runId });
  }

  reply(reply: ConfigReply): void {
    const call = this.calls.get(reply.callId);
    if (!call) return;
    this.calls.delete(reply.callId);
    if (reply.ok) call.resolve(reply.value);
    else call.reject(rebuildError(reply.error));
  }

  /** Checks params against the workflow's schema: null when they pass. */
  validate(workflow: string, params: unknown): SerializedError | null {
    const definition = this.definitions.get(workflow);
    if (!definition?.params) return null;
    try {
      const parsed = definition.params.safeParse(params ?? {});
      return parsed.success ? null : serializeError(ValidationError.fromZod(parsed.error, "body.params"));
    } catch (error) {
      // A refine that throws (or is async, which safeParse refuses): the author's bug, not the thread's end.
      return serializeError(
        new ValidationError([
          {
            path: "body.params",
            message: `could not be checked: the workflow's params schema threw (${firstLine(error)})`,
          },
        ]),
      );
    }
  }

  private logged(run: ThreadRun, write: () => void): void {
    write();
    if (run.flushing) return;
    run.flushing = true;
    setImmediate(() => {
      run.flushing = false;
      this.flush(run, false);
    });
  }

  /** Sends what the run logged since the last flush; the limit's note, which changes until the end, only then. */
  private flush(run: ThreadRun, last: boolean): void {
    const { entries, log } = run;
    const end = !last && log.note && entries[entries.length - 1] === log.note ? entries.length - 1 : entries.length;
    if (end <= run.posted) return;
    this.post({ kind: "logs", runId: run.request.runId, entries: entries.slice(run.posted, end) });
    run.posted = end;
  }

  private call(runId: string, call: ConfigCall): Promise<unknown> {
    const callId = ++this.nextCall;
    return new Promise((resolve, reject) => {
      this.calls.set(callId, { resolve, reject });
      this.post({ kind: "config", runId, callId, ...call });
    });
  }

  /** `config` for one run: through the worker, each key's answer kept for the run (a write or delete forgets it). */
  private accessFor({ runId, org }: RunRequest, reads: Record<string, number>): ConfigAccess {
    const answers = new Map<string, Promise<{ type: string; value: unknown } | undefined>>();
    return {
      scope: org?.name ?? "global",
      read: async (rawKey) => {
        const key = normalizeConfigKey(rawKey);
        let answer = answers.get(key);
        if (!answer) {
          answer = this.call(runId, { op: "read", key }) as Promise<{ type: string; value: unknown } | undefined>;
          answers.set(key, answer);
          answer.catch(() => answers.delete(key));
        }
        const found = await answer;
        if (!found) return undefined;
        if (found.type === "secret") reads[key] = (reads[key] ?? 0) + 1;
        // A copy each time: code that changes a json value it read must not change the next read.
        return {
          type: found.type as never,
          value: typeof found.value === "object" && found.value !== null ? structuredClone(found.value) : found.value,
        };
      },
      write: async (rawKey, value, options) => {
        answers.delete(normalizeConfigKey(rawKey));
        await this.call(runId, { op: "write", key: String(rawKey), value, options });
      },
      list: async () => (await this.call(runId, { op: "list" })) as Awaited<ReturnType<ConfigAccess["list"]>>,
      remove: async (rawKey) => {
        answers.delete(normalizeConfigKey(rawKey));
        await this.call(runId, { op: "remove", key: String(rawKey) });
      },
    };
  }
}

function parseParams(definition: WorkflowDefinition, params: unknown): unknown {
  const parsed = definition.params!.safeParse(params ?? {});
  if (!parsed.success) throw ValidationError.fromZod(parsed.error, "params");
  return parsed.data;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0].slice(0, 200);
}
