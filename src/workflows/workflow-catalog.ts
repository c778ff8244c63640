import { rebuildError } from "./port-errors.ts";
import type { WorkflowInfo, WorkflowLoadError } from "./workflow-info.ts";
import { WorkflowThread } from "./workflow-thread.ts";

export type { WorkflowInfo, WorkflowLoadError } from "./workflow-info.ts";

/** The heap of the thread that loads the workflow files for a catalog and checks params. */
const CATALOG_THREAD_MEMORY_MB = 256;

/**
 * The workflows a process can start, as plain data (WorkflowInfo), read by a thread that loaded
 * their files: the process itself, which holds the database and the key, never imports workflow
 * code. Params are checked against a workflow's schema in that thread (one message each way); a
 * thread that ended is started again for the next check.
 */
export class WorkflowCatalog {
  private readonly entries: Map<string, WorkflowInfo>;

  constructor(
    readonly dirs: string[],
    workflows: WorkflowInfo[],
    readonly errors: WorkflowLoadError[],
    private thread: WorkflowThread,
  ) {
    this.entries = new Map(workflows.map((info) => [info.name, info]));
  }

  /** The workflow folders, as one string (for messages). */
  get dir(): string {
    return this.dirs.join(":");
  }

  get(name: string): WorkflowInfo | undefined {
    return this.entries.get(name);
  }

  list(): WorkflowInfo[] {
    return [...this.entries.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** @throws ValidationError (paths under `body.params`) when `params` do not match the workflow's schema */
  async validateParams(name: string, params: unknown): Promise<void> {
    if (!this.thread.isAlive) this.thread = new WorkflowThread(CATALOG_THREAD_MEMORY_MB, this.dirs);
    const error = await this.thread.validate(name, params);
    if (error) throw rebuildError(error);
  }

  async close(): Promise<void> {
    await this.thread.stop("The catalog was closed");
  }
}

/**
 * Loads every workflow file under `dirs` (recursively) in a thread and lists the `@workflow`
 * methods they register. A file that throws on import is reported and the others still load; two
 * workflows with one name are an error naming both files (the first one found keeps the name).
 */
export async function loadWorkflowCatalog(dirs: string | string[]): Promise<WorkflowCatalog> {
  const folders = typeof dirs === "string" ? [dirs] : dirs;
  const thread = new WorkflowThread(CATALOG_THREAD_MEMORY_MB, folders);
  const { workflows, errors } = await thread.loaded;
  return new WorkflowCatalog(folders, workflows, errors, thread);
}
