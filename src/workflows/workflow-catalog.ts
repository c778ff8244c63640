import { relative, resolve, sep } from "node:path";
import { ValidationError } from "../errors/index.ts";
import type { Logger } from "../logging/logger.ts";
import { rebuildError } from "./port-errors.ts";
import { filesSignature, readSnapshot, type WorkflowSnapshot } from "./workflow-files.ts";
import type { FileLoadError } from "./workflow-info.ts";
import type { WorkflowInfo, WorkflowLoadError } from "./workflow-view.ts";
import { ThreadLoadError, WorkflowThread, type ThreadLoad } from "./workflow-thread.ts";

export type { WorkflowInfo, WorkflowLoadError } from "./workflow-view.ts";

/** The heap of the thread that loads the workflow files for a catalog and checks params. */
const CATALOG_THREAD_MEMORY_MB = 256;
/** How long a catalog's previous thread stays for the params checks it was asked before a reload. */
const PREVIOUS_THREAD_GRACE_MS = 5_000;
/** How long one file's import may take before the file is left out (a top-level await that never settles). */
const FILE_IMPORT_TIMEOUT_MS = 10_000;
/** How long a params check may take (a schema's refine in an endless loop): its thread is then replaced. */
const VALIDATE_TIMEOUT_MS = 5_000;

export interface WorkflowCatalogOptions {
  fileTimeoutMs?: number;
  validateTimeoutMs?: number;
  /** Told of a reload that failed as a whole (the current generation stays). */
  logger?: Logger;
}

interface Generation {
  /** The files as read from disk (`snapshot` leaves out files that could not load, or keeps their last good text). */
  read: WorkflowSnapshot;
  snapshot: WorkflowSnapshot;
  thread: WorkflowThread;
  errors: FileLoadError[];
  generation: number;
}

/**
 * The workflows a process can start, as plain data (WorkflowInfo), read by a thread that loaded
 * their files: the process itself, which holds the database and the key, never imports workflow
 * code. Params are checked against a workflow's schema in that thread.
 *
 * The files are read as a snapshot (a generation of the code): `reload` reads them again, and a
 * file that no longer loads keeps its last good text in the new generation, its error reported
 * (file and line). A file whose import ends the thread (`process.exit()`) or never settles is left
 * out of the generation, saying why. `watch` reloads when a file is added, changed or deleted;
 * listeners (a worker's thread pool) hear of each new generation.
 */
export class WorkflowCatalog {
  private entries = new Map<string, WorkflowInfo>();
  private current!: Generation;
  /** The text of each file that loaded in the current generation: what a broken edit falls back to. */
  private good: Record<string, string> = {};
  private readonly listeners = new Set<(catalog: WorkflowCatalog) => void>();
  private reloading: Promise<boolean> = Promise.resolve(false);
  private signature = "";
  private watcher?: NodeJS.Timeout;

  private constructor(
    readonly dirs: string[],
    private readonly options: WorkflowCatalogOptions,
  ) {}

  static async load(dirs: string[], options: WorkflowCatalogOptions = {}): Promise<WorkflowCatalog> {
    const catalog = new WorkflowCatalog(dirs, options);
    await catalog.reload();
    return catalog;
  }

  /** The workflow folders, as one string (for messages). */
  get dir(): string {
    return this.dirs.join(":");
  }

  /** Files that did not load in the current generation (a broken edit's file keeps running its last good text). */
  get errors(): WorkflowLoadError[] {
    return this.current.errors.map(({ file, line, message }) => ({ file, line, message }));
  }

  /** The code the current generation runs. */
  get snapshot(): WorkflowSnapshot {
    return this.current.snapshot;
  }

  /** 1 for the files as first read, one more for each reload that changed something. */
  get generation(): number {
    return this.current.generation;
  }

  get(name: string): WorkflowInfo | undefined {
    return this.entries.get(name);
  }

  list(): WorkflowInfo[] {
    return [...this.entries.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** @throws ValidationError (paths under `body.params`) when `params` do not match the workflow's schema */
  async validateParams(name: string, params: unknown): Promise<void> {
    const generation = this.current;
    if (!generation.thread.isAlive)
      generation.thread = new WorkflowThread(CATALOG_THREAD_MEMORY_MB, generation.snapshot);
    const thread = generation.thread;
    const limitMs = this.options.validateTimeoutMs ?? VALIDATE_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<"late">((resolve) => (timer = setTimeout(() => resolve("late"), limitMs)));
    const error = await Promise.race([thread.validate(name, params), late]).finally(() => clearTimeout(timer));
    if (error === "late") {
      // Busy in the schema's code: only stopping the thread ends that; the next check starts another.
      void thread.stop("A params check did not finish");
      throw new ValidationError([
        {
          path: "body.params",
          message: `could not be checked: the workflow's params schema did not finish within ${limitMs / 1000} s`,
        },
      ]);
    }
    if (error) throw rebuildError(error);
  }

  /** Calls `listener` with the catalog after each reload that brought a new generation. */
  onChange(listener: (catalog: WorkflowCatalog) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Reads the files again and loads them as a new generation. @returns whether anything changed */
  reload(): Promise<boolean> {
    // One reload at a time; one that failed does not stop the next.
    this.reloading = this.reloading.catch(() => false).then(() => this.loadGeneration());
    return this.reloading;
  }

  /** Checks the files every `intervalMs` (0: never) and reloads when one was added, changed or deleted. */
  watch(intervalMs: number): void {
    if (intervalMs === 0) return;
    this.watcher ??= setInterval(() => {
      if (filesSignature(this.dirs) === this.signature) return;
      this.reload().catch((error: Error) =>
        this.options.logger?.error({ err: error }, "the workflow files could not be reloaded: the current ones stay"),
      );
    }, intervalMs).unref();
  }

  async close(): Promise<void> {
    clearInterval(this.watcher);
    await this.reloading.catch(() => undefined);
    await this.current?.thread.stop("The catalog was closed");
  }

  private async loadGeneration(): Promise<boolean> {
    const signature = filesSignature(this.dirs);
    if (this.current && signature === this.signature) return false;
    // Set first: a reload that fails as a whole is tried again when the files change, not every tick.
    this.signature = signature;
    const fresh = readSnapshot(this.dirs);
    if (this.current && sameSources(fresh, this.current.read)) return false;
    let loaded = await this.loadLeavingOut(fresh);
    const errors = loaded.errors;
    // A file that stopped loading keeps its last good text: load once more with it.
    const kept: Record<string, string> = {};
    for (const error of errors) {
      if (
        error.path in fresh.sources &&
        error.path in this.good &&
        !error.message.startsWith("duplicate workflow name")
      )
        kept[error.path] = this.good[error.path];
    }
    if (Object.keys(kept).length > 0) {
      await loaded.thread.stop("Loaded again with the last good version of a file");
      loaded = await this.loadLeavingOut({ ...loaded.snapshot, sources: { ...loaded.snapshot.sources, ...kept } });
      const stillFailing = new Set(loaded.errors.map((error) => error.path));
      for (const error of errors)
        if (error.path in kept && !stillFailing.has(error.path))
          error.message += " (its last good version keeps running)";
      for (const error of loaded.errors)
        if (!(error.path in kept) && !errors.some((known) => known.path === error.path)) errors.push(error);
    }
    this.install(fresh, loaded, errors);
    return true;
  }

  /**
   * Loads `snapshot` in a new thread. A file whose import ends the thread or never settles is left
   * out, with an error saying why, and the rest loads again without it.
   * @throws ThreadLoadError when the thread ends before any file (nothing to leave out)
   */
  private async loadLeavingOut(
    snapshot: WorkflowSnapshot,
  ): Promise<{ snapshot: WorkflowSnapshot; thread: WorkflowThread; load: ThreadLoad; errors: FileLoadError[] }> {
    const left: FileLoadError[] = [];
    for (;;) {
      const thread = new WorkflowThread(CATALOG_THREAD_MEMORY_MB, snapshot);
      try {
        const load = await thread.loadedWithin(this.options.fileTimeoutMs ?? FILE_IMPORT_TIMEOUT_MS);
        return { snapshot, thread, load, errors: [...left, ...load.errors] };
      } catch (error) {
        await thread.stop("Its load failed");
        if (!(error instanceof ThreadLoadError) || error.path === null || !(error.path in snapshot.sources))
          throw error;
        const { [error.path]: _left, ...sources } = snapshot.sources;
        left.push({
          path: error.path,
          file: this.relativeName(error.path),
          line: null,
          message: `left out: ${error.message}`,
        });
        snapshot = { ...snapshot, sources };
      }
    }
  }

  private relativeName(path: string): string {
    const dir = this.dirs.find((candidate) => path.startsWith(candidate + sep));
    return dir ? relative(dir, path) : path;
  }

  private install(
    read: WorkflowSnapshot,
    { snapshot, thread, load }: { snapshot: WorkflowSnapshot; thread: WorkflowThread; load: ThreadLoad },
    errors: FileLoadError[],
  ): void {
    const previous = this.current;
    const failed = new Set(load.errors.map((error) => error.path));
    this.good = Object.fromEntries(Object.entries(snapshot.sources).filter(([path]) => !failed.has(path)));
    this.entries = new Map(load.workflows.map((info) => [info.name, info]));
    this.current = { read, snapshot, thread, errors, generation: (previous?.generation ?? 0) + 1 };
    if (previous) {
      setTimeout(
        () => void previous.thread.stop("A newer generation of the workflow files took its place"),
        PREVIOUS_THREAD_GRACE_MS,
      ).unref();
      for (const listener of this.listeners) listener(this);
    }
  }
}

function sameSources(a: WorkflowSnapshot, b: WorkflowSnapshot): boolean {
  const keys = Object.keys(a.sources);
  return (
    keys.length === Object.keys(b.sources).length &&
    keys.every((key) => a.sources[key] === b.sources[key]) &&
    a.unreadable.length === b.unreadable.length
  );
}

/**
 * Loads every workflow file under `dirs` (recursively) in a thread and lists the `@workflow`
 * methods they register. A file that throws on import is reported and the others still load; two
 * workflows with one name are an error naming both files (the first one found keeps the name).
 */
export function loadWorkflowCatalog(
  dirs: string | string[],
  options: WorkflowCatalogOptions = {},
): Promise<WorkflowCatalog> {
  return WorkflowCatalog.load(
    (typeof dirs === "string" ? [dirs] : dirs).map((dir) => resolve(dir)),
    options,
  );
}
