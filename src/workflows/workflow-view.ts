import { z } from "zod";

/** A JSON Schema as `z.toJSONSchema` writes it: a workflow's params (input side) or result (output side). */
export type JsonSchema = z.core.JSONSchema.BaseSchema;
// Typed for the code that reads them; left open (`{}`) in the OpenAPI document, which does not
// describe JSON Schema itself.
const JsonSchemaValue = z.unknown() as unknown as z.ZodType<JsonSchema>;
const JsonSchemaOrNull = z.unknown() as unknown as z.ZodType<JsonSchema | null>;

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
    params: JsonSchemaValue.meta({
      description: 'The params\' JSON Schema (input side); `{"type": "object"}` when the workflow takes none',
    }),
    result: JsonSchemaOrNull.meta({
      description: "The result's JSON Schema (output side) when the workflow declares `result`, else null",
    }),
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
