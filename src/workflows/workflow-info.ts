import { relative } from "node:path";
import { z } from "zod";
import type { WorkflowDefinition } from "../../sdk/workflow-definition.ts";

/**
 * A workflow as the platform's processes know it: plain data, read from the thread that loaded
 * its file (the processes that hold the database and the key never import workflow code).
 * `GET /api/workflows` shows it.
 */
export interface WorkflowInfo {
  name: string;
  description: string | null;
  category: string | null;
  /** The params' JSON Schema (input side); `{type: "object"}` when the workflow takes none. */
  params: unknown;
  /** The result's JSON Schema (output side), when the workflow declares `result`. */
  result: unknown;
  /** Offered to AI agents as an MCP tool. */
  tool: boolean;
  secrets: string[];
  /** The per-user config (`Config-<Name>` headers) it needs, normalized (`api-key`). */
  userConfig: string[];
  /** Only reads (MCP's `readOnlyHint`). */
  readOnly: boolean;
  timeoutMs: number;
  retries: number;
  /** The heap its thread may use, in MB; null for the worker's default. */
  memoryLimitMb: number | null;
  /** The file it came from, relative to its workflows folder. */
  file: string;
}

/** A file that could not be loaded, or a conflict between files. Reported, never fatal. */
export interface WorkflowLoadError {
  /** Relative to its workflows folder. */
  file: string;
  /** The line it failed at, when known. */
  line: number | null;
  message: string;
}

/** A load error as a thread reports it: with the file's absolute path, which the catalog keeps to itself. */
export interface FileLoadError extends WorkflowLoadError {
  path: string;
}

export function toWorkflowInfo(definition: WorkflowDefinition, dir: string, file: string): WorkflowInfo {
  return {
    name: definition.name,
    description: definition.description,
    category: definition.category,
    params: definition.params ? z.toJSONSchema(definition.params, { io: "input", unrepresentable: "any" }) : { type: "object" },
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
