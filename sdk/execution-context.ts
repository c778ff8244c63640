/** One stored log line of an execution. */
export interface ExecutionLogEntry {
  at: string;
  level: "debug" | "info" | "warn" | "error";
  message: string;
}

export interface ExecutionLogger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Per-user config: the `Config-<Name>` headers of the execute request, for this run only. */
export interface UserConfig {
  /** Case-insensitive; `_` in `name` matches `-` in the header (`get("api_key")` reads `Config-Api-Key`). */
  get(name: string): string | undefined;
  has(name: string): boolean;
}

/** What a workflow method gets as its first argument. */
export interface ExecutionContext {
  readonly executionId: string;
  readonly workflowName: string;
  /** The org the execution runs for, or null at global scope. */
  readonly org: { id: string; name: string } | null;
  /** Lines stored with the execution (scrubbed of secrets). */
  readonly log: ExecutionLogger;
  readonly userConfig: UserConfig;
  /** Aborted when the execution is cancelled or times out: pass it to fetch() and friends. */
  readonly signal: AbortSignal;
}
