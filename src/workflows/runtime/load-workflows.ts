import { relative, sep } from "node:path";
import { pathToFileURL } from "node:url";
import type { WorkflowDefinition } from "../../../sdk/workflow-definition.ts";
import { registryMark, workflowsSince } from "../../../sdk/workflow-registry.ts";
import type { WorkflowSnapshot } from "../workflow-files.ts";
import { toWorkflowInfo, type FileLoadError } from "../workflow-info.ts";
import type { WorkflowInfo } from "../workflow-view.ts";

export interface LoadedWorkflows {
  definitions: Map<string, WorkflowDefinition>;
  infos: WorkflowInfo[];
  errors: FileLoadError[];
}

/**
 * Imports every workflow file of the snapshot (its folders in order, each file's own text: the
 * hooks serve it) and collects the `@workflow` methods each registers. A file that throws on import
 * is reported, with the line it failed at when known, and the others still load; two workflows with
 * one name are an error naming both files (the first one found keeps the name).
 *
 * @param onFile told of each file before its import: a file whose import ends the thread or never
 *   settles is then known (the catalog leaves it out and says why)
 */
export async function loadWorkflows(
  snapshot: Pick<WorkflowSnapshot, "dirs" | "sources" | "unreadable">,
  onFile: (path: string) => void = () => {},
): Promise<LoadedWorkflows> {
  const definitions = new Map<string, WorkflowDefinition>();
  const origins = new Map<string, { dir: string; file: string }>();
  const infos: WorkflowInfo[] = [];
  const errors: FileLoadError[] = snapshot.unreadable.map(({ dir, message }) => ({
    path: dir,
    file: dir,
    line: null,
    message: `cannot read the workflows directory: ${message}`,
  }));
  const files = Object.keys(snapshot.sources);
  for (const dir of snapshot.dirs) {
    for (const file of files.filter((path) => path.startsWith(dir + sep)).sort()) {
      const mark = registryMark();
      onFile(file);
      try {
        await import(pathToFileURL(file).href);
      } catch (error) {
        errors.push({ path: file, file: relative(dir, file), line: lineOf(error, file), message: firstLine(error) });
        continue;
      }
      for (const definition of workflowsSince(mark)) {
        const existing = origins.get(definition.name);
        if (existing) {
          errors.push({
            path: file,
            file: relative(dir, file),
            line: null,
            message: `duplicate workflow name "${definition.name}": defined in ${relative(existing.dir, existing.file)} and in ${relative(dir, file)}`,
          });
          continue;
        }
        origins.set(definition.name, { dir, file });
        definitions.set(definition.name, definition);
        infos.push(toWorkflowInfo(definition, dir, file));
      }
    }
  }
  return { definitions, infos, errors };
}

/**
 * Where in `file` the error arose: swc's syntax errors name `file:line:col`; an error thrown while
 * the file ran has a stack frame in it (source-mapped to the file's own lines).
 */
function lineOf(error: unknown, file: string): number | null {
  const text = error instanceof Error ? `${error.message}\n${error.stack ?? ""}` : String(error);
  const escaped = file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const found = new RegExp(`(?:file://)?${escaped}:(\\d+)(?::\\d+)?`).exec(text);
  return found ? Number(found[1]) : null;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n").find((line) => line.trim() !== "") ?? "";
}
