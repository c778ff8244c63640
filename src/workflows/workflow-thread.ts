import { Worker } from "node:worker_threads";
// Threads compile TypeScript with @swc/core's native addon. Loaded here too, in the process's
// main thread, it stays loaded: when the only threads that had loaded it end, a thread that loads
// it next crashes the whole process (SIGSEGV, Node 20 and @swc/core 1.16;
// workflow-thread-lifecycle.test.ts).
import "@swc/core";
import type { ExecutionLogEntry } from "../../sdk/execution-context.ts";
import type { WorkflowInfo, WorkflowLoadError } from "./workflow-info.ts";
import { serializeError } from "./port-errors.ts";
import { threadEnv } from "./thread-env.ts";
import type { ConfigCall, FromThread, RunEnd, RunRequest, SerializedError, ToThread } from "./thread-protocol.ts";
import type { ThreadData } from "./runtime/thread-main.ts";

const ENTRY = new URL("./runtime/thread-main.ts", import.meta.url);
const TYPESCRIPT_HOOKS = new URL("./loader/register.mjs", import.meta.url).href;

export interface ThreadLoad {
  workflows: WorkflowInfo[];
  errors: WorkflowLoadError[];
}

/** What the worker does with what a run sends while it goes. */
export interface RunHandlers {
  onLogs(entries: ExecutionLogEntry[]): void;
  /** Answers a `config` call of the run's code (a rejection is thrown there). */
  onConfig(call: ConfigCall): Promise<unknown>;
}

export interface ThreadRunEnd {
  end: RunEnd;
  /** How many times the run read each secret (its thread keeps each answer for the run). */
  secretReads: Record<string, number>;
}

/**
 * A thread ended while it held a run. `message` is stored as the run's error: for the run whose
 * code ended the thread it may quote that code's error (scrubbed like any); for the others it
 * names only the run and workflow that did.
 */
export class ThreadEndedError extends Error {
  override name = "ThreadEndedError";
}

interface RunInFlight {
  workflow: string;
  handlers: RunHandlers;
  resolve(end: ThreadRunEnd): void;
  reject(error: ThreadEndedError): void;
}

/**
 * One workflow thread, as the worker process sees it: started with the TypeScript hooks, an
 * environment without the platform's credentials, and a heap limit; it loads the workflow files
 * itself, then runs what it is given. Runs may share it (see ThreadPool). When it ends, every run
 * it held fails with the reason; `exited` resolves.
 */
export class WorkflowThread {
  readonly loaded: Promise<ThreadLoad>;
  readonly exited: Promise<void>;
  private readonly worker: Worker;
  private readonly runs = new Map<string, RunInFlight>();
  private readonly abortsHeard = new Map<string, () => void>();
  private readonly validations = new Map<number, (error: SerializedError | null) => void>();
  private nextValidation = 0;
  private ending: Extract<FromThread, { kind: "ending" }> | null = null;
  private crash: (Error & { code?: string }) | null = null;
  private stopReason: string | null = null;
  private alive = true;
  /** Told of a rejection a run's code left unhandled after the run ended (for the worker's log). */
  onStray?: (executionId: string, workflow: string) => void;

  constructor(
    readonly memoryLimitMb: number,
    dirs: string[],
  ) {
    this.worker = new Worker(ENTRY, {
      execArgv: ["--import", TYPESCRIPT_HOOKS],
      env: threadEnv(),
      workerData: { dirs } satisfies ThreadData,
      resourceLimits: { maxOldGenerationSizeMb: memoryLimitMb },
    });
    // Idle threads alone do not keep a process alive: what serves or works does.
    this.worker.unref();
    let onLoaded!: (load: ThreadLoad) => void;
    let onFailed!: (error: Error) => void;
    this.loaded = new Promise((resolve, reject) => {
      onLoaded = resolve;
      onFailed = reject;
    });
    this.loaded.catch(() => undefined); // a thread that dies while loading fails its runs instead
    this.worker.on("message", (message: FromThread) => {
      if (message.kind === "loaded") onLoaded({ workflows: message.workflows, errors: message.errors });
      else this.handle(message);
    });
    this.worker.on("error", (error) => {
      this.crash ??= error;
    });
    this.exited = new Promise((resolve) => {
      this.worker.on("exit", (code) => {
        this.alive = false;
        const reason = this.endReason(code);
        onFailed(new ThreadEndedError(reason.others));
        for (const [runId, run] of this.runs) run.reject(new ThreadEndedError(runId === this.ending?.runId ? reason.culprit : reason.others));
        this.runs.clear();
        for (const answer of this.validations.values()) answer({ name: "ThreadEndedError", message: reason.others });
        resolve();
      });
    });
  }

  /** Why the thread ended, in a few words without any run's data (for the worker's log); null while it runs. */
  get endCause(): string | null {
    if (this.alive) return null;
    if (this.crash?.code === "ERR_WORKER_OUT_OF_MEMORY") return `out of memory (limit ${this.memoryLimitMb} MB)`;
    if (this.stopReason) return "stopped by the worker";
    if (this.ending?.cause === "exit") return `process.exit(${this.ending.code ?? ""}) in a run's code`;
    if (this.ending?.cause === "uncaught") return "an error nothing caught";
    return "ended unexpectedly";
  }

  /** Runs in flight. */
  get load(): number {
    return this.runs.size;
  }

  get isAlive(): boolean {
    return this.alive && this.stopReason === null;
  }

  /** Runs `request`; rejects with ThreadEndedError when the thread ends first. */
  async run(request: RunRequest, handlers: RunHandlers): Promise<ThreadRunEnd> {
    const ended = new Promise<ThreadRunEnd>((resolve, reject) => {
      this.runs.set(request.runId, { workflow: request.workflow, handlers, resolve, reject });
    });
    try {
      await this.loaded;
    } catch {
      // the thread ended while loading: `ended` rejects with the reason
    }
    if (this.alive) this.send({ kind: "run", request });
    return ended;
  }

  /**
   * Aborts the run's `ctx.signal`. @returns whether the thread answered within `withinMs`: one
   * that does not is busy in code that never yields (a loop), and only stopping it ends that.
   */
  abort(runId: string, reason: string, withinMs: number): Promise<boolean> {
    if (!this.alive) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.abortsHeard.delete(runId);
        resolve(false);
      }, withinMs);
      this.abortsHeard.set(runId, () => {
        clearTimeout(timer);
        resolve(true);
      });
      this.send({ kind: "abort", runId, reason });
    });
  }

  /** Checks params against the workflow's schema in the thread. @returns the ValidationError, or null */
  async validate(workflow: string, params: unknown): Promise<SerializedError | null> {
    await this.loaded;
    const id = ++this.nextValidation;
    return new Promise((resolve) => {
      this.validations.set(id, (error) => {
        this.validations.delete(id);
        resolve(error);
      });
      this.send({ kind: "validate", id, workflow, params });
    });
  }

  /** Stops the thread; the runs it held fail with `reason`. */
  async stop(reason: string): Promise<void> {
    this.stopReason ??= reason;
    await this.worker.terminate();
    await this.exited;
  }

  private send(message: ToThread): void {
    this.worker.postMessage(message);
  }

  private handle(message: Exclude<FromThread, { kind: "loaded" }>): void {
    switch (message.kind) {
      case "logs":
        this.runs.get(message.runId)?.handlers.onLogs(message.entries);
        break;
      case "config": {
        const run = this.runs.get(message.runId);
        const { kind: _kind, runId: _runId, callId, ...call } = message;
        const answer = run ? run.handlers.onConfig(call as ConfigCall) : Promise.reject(new Error("The run has ended"));
        answer.then(
          (value) => this.alive && this.send({ kind: "config-reply", callId, ok: true, value }),
          (error) => this.alive && this.send({ kind: "config-reply", callId, ok: false, error: serializeError(error) }),
        );
        break;
      }
      case "aborted":
        this.abortsHeard.get(message.runId)?.();
        this.abortsHeard.delete(message.runId);
        break;
      case "done":
        this.runs.get(message.runId)?.resolve({ end: message.end, secretReads: message.secretReads });
        this.runs.delete(message.runId);
        break;
      case "validated":
        this.validations.get(message.id)?.(message.error);
        break;
      case "ending":
        this.ending ??= message;
        break;
      case "stray-after-end":
        this.onStray?.(message.executionId, message.workflow);
        break;
    }
  }

  /** Why the thread ended: for the run whose code ended it, and for the runs that shared it. */
  private endReason(code: number): { culprit: string; others: string } {
    if (this.crash?.code === "ERR_WORKER_OUT_OF_MEMORY") {
      const text = `The thread running it ran out of memory (its limit is ${this.memoryLimitMb} MB: raise memoryLimitMb in the workflow's @workflow options if it needs more)`;
      return { culprit: text, others: text };
    }
    if (this.stopReason) return { culprit: this.stopReason, others: this.stopReason };
    const ending = this.ending;
    const who = ending?.runId ? `run ${ending.runId} (workflow ${this.runs.get(ending.runId)?.workflow ?? "?"})` : "the thread's own code";
    if (ending?.cause === "exit") {
      return {
        culprit: `The workflow called process.exit(${ending.code ?? ""}), which ended the thread running it: throw an error to fail a run, or return to end it`,
        others: `The thread running it ended: ${who} called process.exit(${ending.code ?? ""})`,
      };
    }
    if (ending?.cause === "uncaught") {
      return {
        culprit: `An error was thrown outside the run's own chain of awaits (in a timer or event callback?), nothing caught it, and it ended the thread running the workflow:\n${ending.error}`,
        others: `The thread running it ended: ${who} threw an error nothing caught`,
      };
    }
    const text = `The thread running it ended unexpectedly (exit code ${code})`;
    return { culprit: text, others: text };
  }
}
