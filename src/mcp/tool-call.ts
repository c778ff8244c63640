import { randomUUID } from "node:crypto";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { assertCanStartRuns, isAdmin, type Principal } from "../auth/index.ts";
import { BifrostError, ExecutionFinishedError, ExecutionNotFoundError, ValidationError } from "../errors/index.ts";
import type { ExecutionService } from "../executions/execution-service.ts";
import { isFinal } from "../executions/execution-status.ts";
import type { ExecutionRow } from "../executions/execution-view.ts";
import type { Logger } from "../logging/logger.ts";
import type { Scope } from "../orgs/index.ts";
import type { WorkflowInfo } from "../workflows/workflow-view.ts";
import { readRunProgress } from "./run-progress.ts";

/** Past the workflow's own timeout (after which its worker ends it), room for the queue and the end's write. */
const WAIT_GRACE_MS = 15_000;
/** How often a call whose client asked for progress looks at its run. */
const PROGRESS_POLL_MS = 500;
/** How long a cancellation that came before the run's row was written waits for it. */
const CANCEL_FIND_MS = 5_000;

export interface ToolCaller {
  executions: ExecutionService;
  logger: Logger;
}

/** Who calls, where, with which per-user config: one MCP HTTP request's. */
export interface CallOrigin {
  principal: Principal;
  scope: Scope;
  userConfig: Record<string, string>;
}

export interface CallSignals {
  /** MCP's cancellation of this call: the run is cancelled. */
  cancel: AbortSignal;
  /** The client went away: the call stops waiting, the run goes on. */
  gone: AbortSignal;
  /** Given when the client asked for progress. */
  progress?: (message: string) => Promise<void>;
}

/**
 * A `tools/call`: runs the workflow through ExecutionService as the API does (validation,
 * declared secrets and per-user config, audit, scrubbing; `trigger: "mcp"`) and waits for its end,
 * bounded by the workflow's timeout. Every refusal and every run that did not succeed is a tool
 * error (`isError`) whose text says why, scrubbed as the execution's stored error is.
 */
export async function callWorkflowTool(
  caller: ToolCaller,
  workflow: WorkflowInfo,
  args: unknown,
  origin: CallOrigin,
  signals: CallSignals,
): Promise<CallToolResult> {
  const { executions } = caller;
  const { principal, scope } = origin;
  const id = randomUUID();
  let row: ExecutionRow | null;
  try {
    assertCanStartRuns(principal);
    const input = {
      workflow: workflow.name,
      scope,
      params: args ?? {},
      userConfig: origin.userConfig,
      actor: principal.actor,
      authority: isAdmin(principal) ? ("admin" as const) : ("scope" as const),
      trigger: "mcp" as const,
    };
    const waiting = untilEither(executions.startAndWait(input, workflow.timeoutMs + WAIT_GRACE_MS, id), signals);
    const watching = signals.progress ? watchProgress(executions, id, signals.progress, waiting) : Promise.resolve();
    row = await waiting;
    await watching;
    if (signals.cancel.aborted) {
      await cancelRun(executions, id);
      return toolError(`The call was cancelled; so was its run (execution ${id})`);
    }
  } catch (error) {
    return refusal(caller, error);
  }
  if (row === null) return toolError(`The client went away; the run continues as execution ${id}`);
  if (!isFinal(row.status)) {
    return toolError(
      `The run did not end within ${Math.round((workflow.timeoutMs + WAIT_GRACE_MS) / 1000)} s; it continues as execution ${id} (GET /api/executions/${id})`,
    );
  }
  const view = await executions.view(row, scope);
  if (view.status !== "success")
    return toolError(
      `The run ${view.status === "timeout" ? "timed out" : view.status} (execution ${id}): ${view.error ?? "no reason was recorded"}`,
    );
  const text = JSON.stringify(view.result ?? null);
  return { content: [{ type: "text", text }], ...(isRecord(view.result) ? { structuredContent: view.result } : {}) };
}

/** The run's end, or null as soon as the call is cancelled or its client is gone. */
function untilEither(run: Promise<ExecutionRow>, { cancel, gone }: CallSignals): Promise<ExecutionRow | null> {
  if (cancel.aborted || gone.aborted) return run.then(() => null);
  return new Promise((resolve, reject) => {
    const stop = () => resolve(null);
    cancel.addEventListener("abort", stop, { once: true });
    gone.addEventListener("abort", stop, { once: true });
    run.then(resolve, reject).finally(() => {
      cancel.removeEventListener("abort", stop);
      gone.removeEventListener("abort", stop);
    });
    // Waiting stops; the run's own wait still settles (at its end or bound): never unhandled.
    run.catch(() => undefined);
  });
}

/** Tells the client the run's status when it changes and each log line it wrote, until the call's wait ends. */
async function watchProgress(
  executions: ExecutionService,
  id: string,
  notify: (message: string) => Promise<void>,
  run: Promise<ExecutionRow | null>,
): Promise<void> {
  let ended = false;
  run.finally(() => (ended = true)).catch(() => undefined);
  let status: string | null = null;
  let seen = 0;
  while (!ended) {
    await Promise.race([run.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, PROGRESS_POLL_MS))]);
    if (ended) return;
    try {
      const progress = await readRunProgress(executions, id, seen);
      seen = progress.seen;
      if (progress.status !== status) await notify(`${progress.status} (execution ${id})`);
      status = progress.status;
      for (const line of progress.lines) await notify(line);
    } catch (error) {
      // Not written yet: the next look will see it. Anything else ends the progress, not the call.
      if (!(error instanceof ExecutionNotFoundError)) return;
    }
  }
}

async function cancelRun(executions: ExecutionService, id: string): Promise<void> {
  const deadline = Date.now() + CANCEL_FIND_MS;
  for (;;) {
    try {
      await executions.cancel(await executions.find(id));
      return;
    } catch (error) {
      if (error instanceof ExecutionFinishedError) return;
      if (!(error instanceof ExecutionNotFoundError) || Date.now() > deadline) throw error;
      // Cancelled while its start was still being written.
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** A refusal before the run (bad arguments, missing secrets or headers, a read-only token) as the tool's error. */
function refusal({ logger }: ToolCaller, error: unknown): CallToolResult {
  if (error instanceof ValidationError) {
    const issues = error.issues.map((issue) => `${issue.path.replace(/^body\.params/, "arguments")}: ${issue.message}`);
    return toolError(`VALIDATION_ERROR: invalid arguments: ${issues.join("; ")}`);
  }
  if (error instanceof BifrostError) return toolError(`${error.code}: ${error.message}`);
  // Library messages could quote data: the log (which redacts) gets it, the client a generic line.
  logger.error({ err: error }, "an MCP tool call failed");
  return toolError("INTERNAL_ERROR: the call failed; see the server log");
}

function toolError(text: string): CallToolResult {
  return { content: [{ type: "text", text }], isError: true };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
