import { relative } from "node:path";
import { z } from "zod";
import type { WorkflowDefinition } from "../../sdk/workflow-definition.ts";

/**
 * A workflow as the platform's processes know it: plain data, read from the thread that loaded
 * its file (the processes that hold the database and the key never import workflow code).
 * `GET /api/workflows` shows it.
 */
export const WorkflowInfo = z
  .object({
    name: z.string().meta({ example: "charge_card" }),
    description: z.string().nullable(),
    category: z.string().nullable(),
    params: z.unknown().meta({
      description: 'The params\' JSON Schema (input side); `{"type": "object"}` when the workflow takes none',
    }),
    result: z
      .unknown()
      .meta({ description: "The result's JSON Schema (output side) when the workflow declares `result`, else null" }),
    tool: z.boolean().meta({ description: "Offered to AI agents as an MCP tool" }),
    secrets: z.array(z.string()).meta({ description: "The secrets it may read", example: ["stripe_api_key"] }),
    userConfig: z.array(z.string()).meta({
      description: "The per-user config (`Config-<Name>` headers) it needs, normalized",
      example: ["api_key"],
    }),
    readOnly: z.boolean().meta({ description: "Only reads (MCP's `readOnlyHint`)" }),
    timeoutMs: z.number().int(),
    retries: z.number().int(),
    memoryLimitMb: z
      .number()
      .nullable()
      .meta({ description: "The heap its thread may use, in MB; null for the worker's default" }),
    file: z.string().meta({ description: "The file it came from, relative to its workflows folder" }),
  })
  .meta({ id: "Workflow", description: "A workflow that can run" });
export type WorkflowInfo = z.infer<typeof WorkflowInfo>;

/** A file that could not be loaded, or a conflict between files. Reported, never fatal. */
export const WorkflowLoadError = z
  .object({
    file: z.string().meta({ description: "Relative to its workflows folder" }),
    line: z.number().int().nullable().meta({ description: "The line it failed at, when known" }),
    message: z.string(),
  })
  .meta({ id: "WorkflowLoadError", description: "A workflow file that could not be loaded" });
export type WorkflowLoadError = z.infer<typeof WorkflowLoadError>;

/** `GET /api/workflows`: what can run, and what failed to load. */
export const WorkflowList = z
  .object({ workflows: z.array(WorkflowInfo), errors: z.array(WorkflowLoadError) })
  .meta({ id: "WorkflowList", description: "The workflows that can run and the files that failed to load" });
export type WorkflowList = z.infer<typeof WorkflowList>;

/** A load error as a thread reports it: with the file's absolute path, which the catalog keeps to itself. */
export interface FileLoadError extends WorkflowLoadError {
  path: string;
}

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
