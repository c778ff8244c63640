import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { z } from "zod";
import type { WorkflowDefinition } from "../../sdk/workflow-definition.ts";
import { registryMark, workflowsSince } from "../../sdk/workflow-registry.ts";

/** A workflow the platform can run, with the file it came from. */
export interface CatalogEntry {
  definition: WorkflowDefinition;
  file: string;
}

/** A file that could not be loaded, or a conflict between files. Reported, never fatal. */
export interface WorkflowLoadError {
  file: string;
  message: string;
}

/** What `GET /api/workflows` shows for each workflow. */
export interface WorkflowSummary {
  name: string;
  description: string | null;
  category: string | null;
  params: unknown;
  secrets: string[];
  timeoutMs: number;
  retries: number;
  file: string;
}

// ES modules are evaluated once per process, so a file's decorators register only on its first
// import: remember what each file registered, so loading a directory twice sees the same workflows.
const registeredByFile = new Map<string, WorkflowDefinition[]>();

const WORKFLOW_FILE = /\.(ts|mts|js|mjs)$/;
const SKIPPED = /(\.d\.ts|\.test\.ts|\.spec\.ts)$/;

export class WorkflowCatalog {
  constructor(
    readonly dir: string,
    private readonly entries: Map<string, CatalogEntry>,
    readonly errors: WorkflowLoadError[],
  ) {}

  get(name: string): CatalogEntry | undefined {
    return this.entries.get(name);
  }

  list(): WorkflowSummary[] {
    return [...this.entries.values()]
      .sort((a, b) => a.definition.name.localeCompare(b.definition.name))
      .map(({ definition: d, file }) => ({
        name: d.name,
        description: d.description,
        category: d.category,
        params: d.params ? z.toJSONSchema(d.params, { io: "input", unrepresentable: "any" }) : { type: "object" },
        secrets: d.secrets,
        timeoutMs: d.timeoutMs,
        retries: d.retries,
        file: relative(this.dir, file),
      }));
  }
}

/**
 * Imports every workflow file under `dir` (recursively) and collects the `@workflow` methods each
 * registers. A file that throws on import is reported and the others still load; two workflows
 * with one name are an error naming both files (the first one found keeps the name).
 */
export async function loadWorkflowCatalog(dir: string): Promise<WorkflowCatalog> {
  const entries = new Map<string, CatalogEntry>();
  const errors: WorkflowLoadError[] = [];
  let files: string[];
  try {
    files = listFiles(dir);
  } catch (error) {
    return new WorkflowCatalog(dir, entries, [{ file: dir, message: `cannot read the workflows directory: ${(error as Error).message}` }]);
  }
  for (const file of files) {
    let definitions = registeredByFile.get(file);
    if (!definitions) {
      const mark = registryMark();
      try {
        await import(pathToFileURL(file).href);
      } catch (error) {
        errors.push({ file: relative(dir, file), message: firstLine(error) });
        continue;
      }
      definitions = workflowsSince(mark);
      registeredByFile.set(file, definitions);
    }
    for (const definition of definitions) {
      const existing = entries.get(definition.name);
      if (existing) {
        errors.push({
          file: relative(dir, file),
          message: `duplicate workflow name "${definition.name}": defined in ${relative(dir, existing.file)} and in ${relative(dir, file)}`,
        });
        continue;
      }
      entries.set(definition.name, { definition, file });
    }
  }
  return new WorkflowCatalog(dir, entries, errors);
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith(".") || name === "node_modules") continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...listFiles(path));
    else if (WORKFLOW_FILE.test(name) && !SKIPPED.test(name)) out.push(path);
  }
  return out;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0];
}
