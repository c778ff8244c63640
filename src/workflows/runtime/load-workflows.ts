import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import type { WorkflowDefinition } from "../../../sdk/workflow-definition.ts";
import { registryMark, workflowsSince } from "../../../sdk/workflow-registry.ts";
import { toWorkflowInfo, type WorkflowInfo, type WorkflowLoadError } from "../workflow-info.ts";

export interface LoadedWorkflows {
  definitions: Map<string, WorkflowDefinition>;
  infos: WorkflowInfo[];
  errors: WorkflowLoadError[];
}

const WORKFLOW_FILE = /\.(ts|mts|js|mjs)$/;
const SKIPPED = /(\.d\.ts|\.test\.ts|\.spec\.ts)$/;

/**
 * Imports every workflow file under `dirs` (recursively, in order) and collects the `@workflow`
 * methods each registers. A file that throws on import is reported and the others still load; two
 * workflows with one name are an error naming both files (the first one found keeps the name).
 */
export async function loadWorkflows(dirs: string[]): Promise<LoadedWorkflows> {
  const definitions = new Map<string, WorkflowDefinition>();
  const files = new Map<string, { dir: string; file: string }>();
  const infos: WorkflowInfo[] = [];
  const errors: WorkflowLoadError[] = [];
  for (const dir of dirs) {
    let found: string[];
    try {
      found = listFiles(dir);
    } catch (error) {
      errors.push({ file: dir, message: `cannot read the workflows directory: ${(error as Error).message}` });
      continue;
    }
    for (const file of found) {
      const mark = registryMark();
      try {
        await import(pathToFileURL(file).href);
      } catch (error) {
        errors.push({ file: relative(dir, file), message: firstLine(error) });
        continue;
      }
      for (const definition of workflowsSince(mark)) {
        const existing = files.get(definition.name);
        if (existing) {
          errors.push({
            file: relative(dir, file),
            message: `duplicate workflow name "${definition.name}": defined in ${relative(existing.dir, existing.file)} and in ${relative(dir, file)}`,
          });
          continue;
        }
        files.set(definition.name, { dir, file });
        definitions.set(definition.name, definition);
        infos.push(toWorkflowInfo(definition, dir, file));
      }
    }
  }
  return { definitions, infos, errors };
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
