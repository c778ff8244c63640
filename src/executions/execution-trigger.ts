import { z } from "zod";

/** What asked for a run (../shared/CONTRACT.md, "Executions, everywhere"). */
export const ExecutionTrigger = z
  .enum(["api", "cli", "console", "schedule", "webhook", "mcp"])
  .meta({ id: "ExecutionTrigger", description: "What asked for the run" });
export type ExecutionTrigger = z.infer<typeof ExecutionTrigger>;

/**
 * The request header by which the CLI and the console say who they are. Only these two values are
 * taken from a caller: the others are the platform's own (a schedule, a webhook, MCP).
 */
export const TRIGGER_HEADER = "bifrost-trigger";
export const ClientTrigger = z.enum(["cli", "console"], {
  error: 'the Bifrost-Trigger header is "cli" or "console" (or absent: "api")',
});
