import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import type { WorkflowInfo } from "../workflows/workflow-view.ts";

/** The workflows offered as MCP tools: those with `tool: true`, by name. */
export function toolWorkflows(workflows: WorkflowInfo[]): WorkflowInfo[] {
  return workflows.filter((workflow) => workflow.tool);
}

/**
 * A workflow as an MCP tool. MCP wants object schemas for input and output: params that are no
 * object schema (a union of objects) are marked as one; a result that is no object gets no
 * `outputSchema` (its JSON is still the text content).
 */
export function toTool(workflow: WorkflowInfo): Tool {
  return {
    name: workflow.name,
    title: titleOf(workflow.name),
    ...(workflow.description === null ? {} : { description: workflow.description }),
    inputSchema: { ...withoutDialect(workflow.params), type: "object" },
    ...(hasObjectResult(workflow) ? { outputSchema: { ...withoutDialect(workflow.result), type: "object" } } : {}),
    annotations: { title: titleOf(workflow.name), readOnlyHint: workflow.readOnly },
  };
}

/** Whether a successful run's result is an object (so it is the call's `structuredContent`). */
export function hasObjectResult(workflow: WorkflowInfo): boolean {
  return isRecord(workflow.result) && workflow.result.type === "object";
}

/** `charge_card` -> `Charge card`: what a client shows a person. */
function titleOf(name: string): string {
  const words = name.replace(/_+/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * zod writes `$schema: draft 2020-12`; clients validate with their own default dialect (the SDK's
 * Ajv is draft-07 and refuses a `$schema` it does not know), and the keywords zod uses read the
 * same in both.
 */
function withoutDialect(schema: unknown): Record<string, unknown> {
  if (!isRecord(schema)) return {};
  const { $schema: _dialect, ...rest } = schema;
  return rest;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
