import { join, resolve } from "node:path";
import { rebuildError } from "./port-errors.ts";
import { filesSignature, readSnapshot, type WorkflowSnapshot } from "./workflow-files.ts";
import type { WorkflowInfo, WorkflowLoadError } from "./workflow-info.ts";
import { WorkflowThread, type ThreadLoad } from "./workflow-thread.ts";

export type { WorkflowInfo, WorkflowLoadError } from "./workflow-info.ts";

/** The heap of the thread that loads the workflow files for a catalog and checks params. */
const CATALOG_THREAD_MEMORY_MB = 256;
/** How long a catalog's previous thread stays for the params checks it was asked before a reload. */
const PREVIOUS_THREAD_GRACE_MS = 5_000;

/**
 * The workflows a process can start, as plain data (WorkflowInfo), read by a thread that loaded
 * their files: the process itself, which holds the database and the key, never imports workflow
 * code. Params are checked against a workflow's schema in that thread.
 *
 * The files are read as a snapshot (a generation of the code): `reload` reads them again, and a
 * file that no longer loads keeps its last good text in the new generation, its error reported
 * (file and line). `watch` reloads when a file is added, changed or deleted; listeners (a worker's
 * thread pool) hear of each new generation.
 */
export class WorkflowCatalog {
  private entries = new Map<string, WorkflowInfo>();
  private current!: { snapshot: WorkflowSnapshot; thread: WorkflowThread; errors: WorkflowLoadError[]; generation: number };
  /** The text of each file that loaded in the current generation: what a broken edit falls back to. */
  private good: Record<string, string> = {};
  private readonly listeners = new Set<(catalog: WorkflowCatalog) => void>();
  private reloading: Promise<boolean> = Promise.resolve(false);
  private signature = "";
  private watcher?: NodeJS.Timeout;

  private constructor(readonly dirs: string[]) {}

  static async load(dirs: string[]): Promise<WorkflowCatalog> {
    const catalog = new WorkflowCatalog(dirs);
    await catalog.reload();
    return catalog;
  }

  /** The workflow folders, as one string (for messages). */
  get dir(): string {
    return this.dirs.join(":");
  }

  /** Files that did not load in the current generation (a broken edit's file keeps running its last good text). */
  get errors(): WorkflowLoadError[] {
    return this.current.errors;
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
    if (!this.current.thread.isAlive) this.current.thread = new WorkflowThread(CATALOG_THREAD_MEMORY_MB, this.current.snapshot);
    const error = await this.current.thread.validate(name, params);
    if (error) throw rebuildError(error);
  }

  /** Calls `listener` with the catalog after each reload that brought a new generation. */
  onChange(listener: (catalog: WorkflowCatalog) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Reads the files again and loads them as a new generation. @returns whether anything changed */
  reload(): Promise<boolean> {
    this.reloading = this.reloading.then(() => this.loadGeneration());
    return this.reloading;
  }

  /** Checks the files every `intervalMs` (0: never) and reloads when one was added, changed or deleted. */
  watch(intervalMs: number): void {
    if (intervalMs === 0) return;
    this.watcher ??= setInterval(() => {
      if (filesSignature(this.dirs) !== this.signature) void this.reload();
    }, intervalMs).unref();
  }

  async close(): Promise<void> {
    clearInterval(this.watcher);
    await this.reloading;
    await this.current.thread.stop("The catalog was closed");
  }

  private async loadGeneration(): Promise<boolean> {
    const signature = filesSignature(this.dirs);
    if (this.current && signature === this.signature) return false;
    this.signature = signature;
    const fresh = readSnapshot(this.dirs);
    if (this.current && sameSources(fresh, this.current.snapshot)) return false;
    let snapshot = fresh;
    let thread = new WorkflowThread(CATALOG_THREAD_MEMORY_MB, snapshot);
    let load = await thread.loaded;
    const errors = load.errors;
    // A file that stopped loading keeps its last good text: load once more with it.
    const kept: Record<string, string> = {};
    for (const error of errors) {
      const path = this.dirs.map((dir) => join(dir, error.file)).find((candidate) => candidate in fresh.sources);
      if (path && path in this.good && !error.message.startsWith("duplicate workflow name")) kept[path] = this.good[path];
    }
    if (Object.keys(kept).length > 0) {
      await thread.stop("Loaded again with the last good version of a file");
      snapshot = { ...fresh, sources: { ...fresh.sources, ...kept } };
      thread = new WorkflowThread(CATALOG_THREAD_MEMORY_MB, snapshot);
      load = await thread.loaded;
      for (const error of errors) {
        const path = this.dirs.map((dir) => join(dir, error.file)).find((candidate) => candidate in kept);
        if (path) error.message += " (its last good version keeps running)";
      }
    }
    this.install(snapshot, thread, load, errors);
    return true;
  }

  private install(snapshot: WorkflowSnapshot, thread: WorkflowThread, load: ThreadLoad, errors: WorkflowLoadError[]): void {
    const previous = this.current;
    const failed = new Set(load.errors.flatMap((error) => this.dirs.map((dir) => join(dir, error.file))));
    this.good = Object.fromEntries(Object.entries(snapshot.sources).filter(([path]) => !failed.has(path)));
    this.entries = new Map(load.workflows.map((info) => [info.name, info]));
    this.current = { snapshot, thread, errors, generation: (previous?.generation ?? 0) + 1 };
    if (previous) {
      setTimeout(() => void previous.thread.stop("A newer generation of the workflow files took its place"), PREVIOUS_THREAD_GRACE_MS).unref();
      for (const listener of this.listeners) listener(this);
    }
  }
}

function sameSources(a: WorkflowSnapshot, b: WorkflowSnapshot): boolean {
  const keys = Object.keys(a.sources);
  return keys.length === Object.keys(b.sources).length && keys.every((key) => a.sources[key] === b.sources[key]) && a.unreadable.length === b.unreadable.length;
}

/**
 * Loads every workflow file under `dirs` (recursively) in a thread and lists the `@workflow`
 * methods they register. A file that throws on import is reported and the others still load; two
 * workflows with one name are an error naming both files (the first one found keeps the name).
 */
export function loadWorkflowCatalog(dirs: string | string[]): Promise<WorkflowCatalog> {
  return WorkflowCatalog.load((typeof dirs === "string" ? [dirs] : dirs).map((dir) => resolve(dir)));
}
