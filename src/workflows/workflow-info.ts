import { relative } from "node:path";
import { z } from "zod";
import type { WorkflowDefinition } from "../../sdk/workflow-definition.ts";
import type { WorkflowInfo, WorkflowLoadError } from "./workflow-view.ts";

/** A load error as a thread reports it: with the file's absolute path, which the catalog keeps to itself. */
export interface FileLoadError extends WorkflowLoadError {
  path: string;
}

/** A loaded workflow as plain data (workflow-view.ts): its schemas as JSON Schema, its file relative to `dir`. */
export function toWorkflowInfo(definition: WorkflowDefinition, dir: string, file: string): WorkflowInfo {
  return {
    name: definition.name,
    description: definition.description,
    category: definition.category,
    params: definition.params
      ? z.toJSONSchema(definition.params, { io: "input", unrepresentable: "any" })
      : { type: "object" },
    result: definition.result ? z.toJSONSchema(definition.result, { io: "output", unrepresentable: "any" }) : null,
    tool: definition.tool,
    secrets: definition.secrets,
    userConfig: definition.userConfig,
    readOnly: definition.readOnly,
    timeoutMs: definition.timeoutMs,
    retries: definition.retries,
    memoryLimitMb: definition.memoryLimitMb,
    file: relative(dir, file),
  };
}
