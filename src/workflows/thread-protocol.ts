import type { ExecutionLogEntry } from "../../sdk/execution-context.ts";
import type { ConfigEntry, ConfigSetOptions } from "../../sdk/config-access.ts";
import type { FileLoadError } from "./workflow-info.ts";
import type { WorkflowInfo } from "./workflow-view.ts";

// The messages between a worker process and its workflow threads (workers/thread/). Everything
// here crosses a MessagePort by structured clone: plain data only.

/** An error as it crosses the port: enough to rebuild a BifrostError of the same class. */
export interface SerializedError {
  name: string;
  message: string;
  code?: string;
  details?: unknown;
}

/** What a run needs to start in a thread. */
export interface RunRequest {
  runId: string;
  workflow: string;
  params: unknown;
  executionId: string;
  org: { id: string; name: string } | null;
  /** Per-user config, already decrypted: it stays in memory. */
  userConfig: Record<string, string>;
}

export type ConfigCall =
  | { op: "read"; key: string }
  | { op: "write"; key: string; value: unknown; options: ConfigSetOptions }
  | { op: "list" }
  | { op: "remove"; key: string };

export type ConfigReply =
  { callId: number; ok: true; value: unknown } | { callId: number; ok: false; error: SerializedError };

/** How a run's code ended in its thread. `result` is JSON text, as it is stored. */
export type RunEnd = { ok: true; result: string } | { ok: false; error: string };

export type ToThread =
  | { kind: "run"; request: RunRequest }
  | { kind: "abort"; runId: string; reason: string }
  | { kind: "validate"; id: number; workflow: string; params: unknown }
  | ({ kind: "config-reply" } & ConfigReply);

export type FromThread =
  /** Sent before each workflow file's import, so a file whose import ends the thread or never settles is known. */
  | { kind: "loading"; file: string }
  | { kind: "loaded"; workflows: WorkflowInfo[]; errors: FileLoadError[] }
  | { kind: "validated"; id: number; error: SerializedError | null }
  | { kind: "logs"; runId: string; entries: ExecutionLogEntry[] }
  | ({ kind: "config"; runId: string; callId: number } & ConfigCall)
  | { kind: "aborted"; runId: string }
  | { kind: "done"; runId: string; end: RunEnd; secretReads: Record<string, number> }
  /** A rejection a run's code left unhandled came after its end: the worker logs it, without its message. */
  | { kind: "stray-after-end"; executionId: string; workflow: string }
  /** Sent as the thread ends because of a run's code (an uncaught throw, `process.exit`). */
  | { kind: "ending"; runId: string | null; cause: "exit" | "uncaught" | "drained"; code?: number; error?: string };

export type { ConfigEntry };
