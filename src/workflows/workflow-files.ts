import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

/** Files that hold workflows (or code they import): TypeScript and JavaScript, not tests or declarations. */
const WORKFLOW_FILE = /\.(ts|mts|js|mjs)$/;
const SKIPPED = /(\.d\.ts|\.test\.ts|\.spec\.ts)$/;

/** The workflow files under `dir` (recursively, sorted), leaving out dot-folders and node_modules. @throws when `dir` cannot be read */
export function listWorkflowFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith(".") || name === "node_modules") continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...listWorkflowFiles(path));
    else if (WORKFLOW_FILE.test(name) && !SKIPPED.test(name)) out.push(path);
  }
  return out;
}

/**
 * The workflow folders' code at one moment: every workflow file's text, by absolute path. Threads
 * load a snapshot, not the disk (src/workflows/loader/typescript-hooks.mjs), so a thread started
 * for it later (to replace one that ended) runs the same code, whatever the files hold by then.
 */
export interface WorkflowSnapshot {
  dirs: string[];
  sources: Record<string, string>;
  /** Folders that could not be read. */
  unreadable: { dir: string; message: string }[];
}

export function readSnapshot(folders: string[]): WorkflowSnapshot {
  const dirs = folders.map((dir) => resolve(dir));
  const sources: Record<string, string> = {};
  const unreadable: WorkflowSnapshot["unreadable"] = [];
  for (const dir of dirs) {
    try {
      for (const file of listWorkflowFiles(dir)) sources[file] = readFileSync(file, "utf8");
    } catch (error) {
      unreadable.push({ dir, message: (error as Error).message });
    }
  }
  return { dirs, sources, unreadable };
}

/** What changes when a workflow file is added, changed or deleted (cheap: one stat a file). */
export function filesSignature(dirs: string[]): string {
  const parts: string[] = [];
  for (const dir of dirs) {
    try {
      for (const file of listWorkflowFiles(dir)) {
        const { mtimeMs, size } = statSync(file);
        parts.push(`${file}:${mtimeMs}:${size}`);
      }
    } catch (error) {
      parts.push(`${dir}:${(error as NodeJS.ErrnoException).code ?? "unreadable"}`);
    }
  }
  return parts.join("\n");
}
