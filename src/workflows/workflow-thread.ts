import { MessageChannel, Worker, type MessagePort } from "node:worker_threads";
// Threads compile TypeScript with @swc/core's native addon. Loaded here too, in the process's
// main thread, it stays loaded: when the only threads that had loaded it end, a thread that loads
// it next crashes the whole process (SIGSEGV, Node 20 and @swc/core 1.16;
// workflow-thread-lifecycle.test.ts).
import "@swc/core";
import type { ExecutionLogEntry } from "../../sdk/execution-context.ts";
import type { WorkflowSnapshot } from "./workflow-files.ts";
import type { FileLoadError } from "./workflow-info.ts";
import type { WorkflowInfo } from "./workflow-view.ts";
import { serializeError } from "./port-errors.ts";
import { threadEnv } from "./thread-env.ts";
import type { ConfigCall, FromThread, RunEnd, RunRequest, SerializedError, ToThread } from "./thread-protocol.ts";
import type { ThreadData } from "./runtime/thread-main.ts";

const ENTRY = new URL("./runtime/thread-main.ts", import.meta.url);
const TYPESCRIPT_HOOKS = new URL("./loader/register.mjs", import.meta.url).href;

export interface ThreadLoad {
  workflows: WorkflowInfo[];
  errors: FileLoadError[];
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

/** A thread's load failed: `path` is the file it was importing then (null: before any file). */
export class ThreadLoadError extends Error {
  override name = "ThreadLoadError";

  constructor(
    readonly path: string | null,
    message: string,
  ) {
    super(message);
  }
}

interface RunInFlight {
  workflow: string;
  /** Sent to the thread (it is not while the thread still loads). */
  posted: boolean;
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
  private readonly port: MessagePort;
  /** The workflow file the thread is importing, while it loads. */
  private importing: string | null = null;
  private onImporting?: () => void;
  private readonly runs = new Map<string, RunInFlight>();
  private readonly abortsHeard = new Map<string, () => void>();
  private readonly validations = new Map<number, (error: SerializedError | null) => void>();
  private nextValidation = 0;
  private ending: Extract<FromThread, { kind: "ending" }> | null = null;
  private crash: (Error & { code?: string }) | null = null;
  private stopReason: string | null = null;
  private alive = true;
  private readonly idleWaiters: (() => void)[] = [];
  /** Answers awaited from the thread: while there are any, the thread keeps the process alive. */
  private awaited = 0;
  /** Told of a rejection a run's code left unhandled after the run ended (for the worker's log). */
  onStray?: (executionId: string, workflow: string) => void;

  /** @param snapshot the workflow files it loads (its generation's code) */
  constructor(
    readonly memoryLimitMb: number,
    snapshot: WorkflowSnapshot,
  ) {
    const { port1, port2 } = new MessageChannel();
    this.worker = new Worker(ENTRY, {
      execArgv: ["--import", TYPESCRIPT_HOOKS],
      env: threadEnv(),
      workerData: { snapshot, port: port2 } satisfies ThreadData,
      transferList: [port2],
      resourceLimits: { maxOldGenerationSizeMb: memoryLimitMb },
    });
    this.port = port1;
    // Idle threads alone do not keep a process alive: what serves or works does.
    this.worker.unref();
    let onLoaded!: (load: ThreadLoad) => void;
    let onFailed!: (error: Error) => void;
    this.loaded = new Promise((resolve, reject) => {
      onLoaded = resolve;
      onFailed = reject;
    });
    this.loaded.catch(() => undefined); // a thread that dies while loading fails its runs instead
    this.port.on("message", (message: FromThread) => {
      if (message.kind === "loading") {
        this.importing = message.file;
        this.onImporting?.();
      } else if (message.kind === "loaded") {
        this.importing = null;
        onLoaded({ workflows: message.workflows, errors: message.errors });
      } else {
        try {
          this.handle(message);
        } catch {
          // a message the thread's code garbled: nothing of the worker's may end with it
        }
      }
    });
    this.port.unref(); // after the listener, which refs it; `holding` refs it while answers are awaited
    this.holding(this.loaded).catch(() => undefined);
    this.worker.on("error", (error) => {
      this.crash ??= error;
    });
    this.exited = new Promise((resolve) => {
      this.worker.on("exit", (code) => {
        this.alive = false;
        this.port.close();
        const reason = this.endReason(code);
        onFailed(new ThreadEndedError(reason.others));
        for (const [runId, run] of this.runs)
          run.reject(new ThreadEndedError(runId === this.ending?.runId ? reason.culprit : reason.others));
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
    if (this.ending?.cause === "exit")
      return `process.exit(${this.ending.code ?? ""})${this.ending.runId ? " in a run's code" : ""}`;
    if (this.ending?.cause === "uncaught") return "an error nothing caught";
    if (this.ending?.cause === "drained") return "a top-level await that nothing could settle any more";
    return "ended unexpectedly";
  }

  /**
   * The thread's load, watched: a file whose import ends the thread, or does not settle within
   * `fileTimeoutMs` (a top-level await that waits forever), fails it with a ThreadLoadError that
   * names the file. The caller stops the thread.
   */
  loadedWithin(fileTimeoutMs: number): Promise<ThreadLoad> {
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const settle = () => {
        clearTimeout(timer);
        this.onImporting = undefined;
      };
      this.onImporting = () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          settle();
          reject(
            new ThreadLoadError(
              this.importing,
              `its import did not finish within ${fileTimeoutMs / 1000} s (a top-level await that never settles?)`,
            ),
          );
        }, fileTimeoutMs);
      };
      if (this.importing) this.onImporting();
      this.loaded.then(
        (load) => {
          settle();
          resolve(load);
        },
        () => {
          settle();
          reject(new ThreadLoadError(this.importing, `importing it ended the thread (${this.endCause})`));
        },
      );
    });
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
    const run: RunInFlight = {
      workflow: request.workflow,
      posted: false,
      handlers,
      resolve: () => {},
      reject: () => {},
    };
    const ended = this.holding(
      new Promise<ThreadRunEnd>((resolve, reject) => {
        Object.assign(run, { resolve, reject });
        this.runs.set(request.runId, run);
      }),
    );
    try {
      await this.loaded;
    } catch {
      // the thread ended while loading: `ended` rejects with the reason
    }
    // Not when the run ended (cancelled, timed out) while the thread loaded: its code never starts.
    if (this.alive && this.runs.get(request.runId) === run) {
      run.posted = true;
      this.send({ kind: "run", request });
    }
    return ended;
  }

  /**
   * The worker ended the run (its timeout, a cancel) before its code did: the thread stops counting
   * it, so it holds up neither a drain nor a shutdown. Code that goes on regardless ends with the
   * thread.
   */
  abandon(runId: string): void {
    const run = this.runs.get(runId);
    if (!run) return;
    this.runs.delete(runId);
    run.reject(new ThreadEndedError("The run ended before its code did"));
    if (this.runs.size === 0) for (const idle of this.idleWaiters.splice(0)) idle();
  }

  /**
   * Aborts the run's `ctx.signal`. @returns whether the thread answered within `withinMs`: one
   * that does not is busy in code that never yields (a loop), and only stopping it ends that. A
   * run not yet sent to the thread (still loading) is never sent: nothing to answer for.
   */
  abort(runId: string, reason: string, withinMs: number): Promise<boolean> {
    const run = this.runs.get(runId);
    if (!this.alive || (run && !run.posted)) return Promise.resolve(true);
    return this.holding(
      new Promise((resolve) => {
        const timer = setTimeout(() => {
          this.abortsHeard.delete(runId);
          resolve(false);
        }, withinMs);
        this.abortsHeard.set(runId, () => {
          clearTimeout(timer);
          resolve(true);
        });
        this.send({ kind: "abort", runId, reason });
      }),
    );
  }

  /** Checks params against the workflow's schema in the thread. @returns the ValidationError, or null */
  async validate(workflow: string, params: unknown): Promise<SerializedError | null> {
    await this.loaded;
    const id = ++this.nextValidation;
    return this.holding(
      new Promise((resolve) => {
        this.validations.set(id, (error) => {
          this.validations.delete(id);
          resolve(error);
        });
        this.send({ kind: "validate", id, workflow, params });
      }),
    );
  }

  /** Resolves once the thread holds no run (at once when it holds none), or has ended. */
  whenIdle(): Promise<void> {
    if (this.runs.size === 0 || !this.alive) return Promise.resolve();
    return Promise.race([new Promise<void>((resolve) => this.idleWaiters.push(resolve)), this.exited]);
  }

  /** Stops the thread; the runs it held fail with `reason`. */
  async stop(reason: string): Promise<void> {
    this.stopReason ??= reason;
    await this.worker.terminate();
    await this.exited;
  }

  /** Keeps the process alive until `answer` settles: an idle thread alone does not. */
  private holding<T>(answer: Promise<T>): Promise<T> {
    if (this.awaited++ === 0) this.port.ref();
    const done = () => {
      if (--this.awaited === 0) this.port.unref();
    };
    answer.then(done, done);
    return answer;
  }

  private send(message: ToThread): void {
    this.port.postMessage(message);
  }

  private handle(message: Exclude<FromThread, { kind: "loaded" | "loading" }>): void {
    switch (message.kind) {
      case "logs":
        this.runs.get(message.runId)?.handlers.onLogs(message.entries);
        break;
      case "config": {
        const run = this.runs.get(message.runId);
        const { kind: _kind, runId: _runId, callId, ...call } = message;
        const answer = run
          ? Promise.resolve(call as ConfigCall).then((asked) => run.handlers.onConfig(asked))
          : Promise.reject(new Error("The run has ended"));
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
        if (this.runs.size === 0) for (const idle of this.idleWaiters.splice(0)) idle();
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
    const who = ending?.runId
      ? `run ${ending.runId} (workflow ${this.runs.get(ending.runId)?.workflow ?? "?"})`
      : "the thread's own code";
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
