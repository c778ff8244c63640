import { BifrostError } from "./bifrost-error.ts";

export class WorkflowNotFoundError extends BifrostError<"WORKFLOW_NOT_FOUND"> {
  override name = "WorkflowNotFoundError";
  constructor(readonly workflow: string) {
    super(
      "WORKFLOW_NOT_FOUND",
      `No workflow named ${JSON.stringify(workflow)} is loaded: see GET /api/workflows for what can run and which files failed to load`,
      {
        workflow,
      },
    );
  }
}

export class ExecutionNotFoundError extends BifrostError<"EXECUTION_NOT_FOUND"> {
  override name = "ExecutionNotFoundError";
  constructor(readonly executionId: string) {
    super("EXECUTION_NOT_FOUND", `No execution with id ${JSON.stringify(executionId)}`, { executionId });
  }
}

/** A run returned what its workflow's `result` schema does not accept. */
export class ResultInvalidError extends BifrostError<"RESULT_INVALID"> {
  override name = "ResultInvalidError";
  constructor(
    readonly workflow: string,
    readonly issues: { path: string; message: string }[],
    refusedBy = "its result schema refuses",
  ) {
    super(
      "RESULT_INVALID",
      `Workflow "${workflow}" returned a result ${refusedBy}: ${issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join("; ")}`,
      { workflow, issues },
    );
  }
}

/** Cancelling an execution that has already ended. */
export class ExecutionFinishedError extends BifrostError<"EXECUTION_FINISHED"> {
  override name = "ExecutionFinishedError";
  constructor(
    readonly executionId: string,
    readonly status: string,
  ) {
    super("EXECUTION_FINISHED", `Execution ${executionId} has already ended (${status}); there is nothing to cancel`, {
      executionId,
      status,
    });
  }
}

export interface MissingSecret {
  key: string;
  /** `not_set`: no row in the org nor at global scope; `no_value`: imported without its value. */
  reason: "not_set" | "no_value";
}

/** A workflow declares secrets that its execution's scope cannot resolve: refused before enqueueing. */
export class SecretsMissingError extends BifrostError<"SECRETS_MISSING"> {
  override name = "SecretsMissingError";
  constructor(
    readonly workflow: string,
    readonly where: string,
    readonly missing: MissingSecret[],
  ) {
    const keys = missing.map((m) => `"${m.key}"${m.reason === "no_value" ? " (no value yet)" : ""}`).join(", ");
    super(
      "SECRETS_MISSING",
      `Workflow "${workflow}" needs secrets that are not set for ${where}: ${keys}. Set them with \`bifrost config set <key> --secret\` (globally or in the org)`,
      { workflow, missing },
    );
  }
}

/** Redis (the job queue) cannot be reached: executions are refused until it is back. */
export class QueueUnavailableError extends BifrostError<"QUEUE_UNAVAILABLE"> {
  override name = "QueueUnavailableError";
  constructor(redisUrl: string, options?: { cause?: unknown }) {
    super(
      "QUEUE_UNAVAILABLE",
      `The job queue (Redis at ${redisUrl}) is unreachable, so executions cannot be queued right now; config routes keep working. Retry when Redis is back.`,
      undefined,
      options,
    );
  }
}

/** A run returned more than a run may store: it ends failed instead of writing a row of any size. */
export class ResultTooLargeError extends BifrostError<"PAYLOAD_TOO_LARGE"> {
  override name = "ResultTooLargeError";
  constructor(
    readonly characters: number,
    readonly limit: number,
  ) {
    super(
      "PAYLOAD_TOO_LARGE",
      `The workflow returned ${characters.toLocaleString("en-US")} characters of JSON; a run may return at most ${limit.toLocaleString("en-US")}. Store large output elsewhere and return a reference to it`,
      { characters, limit },
    );
  }
}

/** An `Idempotency-Key` (in one scope, within 24 h) that started a run of another workflow. */
export class IdempotencyKeyReusedError extends BifrostError<"IDEMPOTENCY_KEY_REUSED"> {
  override name = "IdempotencyKeyReusedError";
  constructor(
    readonly firstWorkflow: string,
    readonly workflow: string,
  ) {
    super(
      "IDEMPOTENCY_KEY_REUSED",
      `This Idempotency-Key already started a run of workflow "${firstWorkflow}" in this scope within the last 24 h; use a new key for a run of "${workflow}"`,
      { firstWorkflow, workflow },
    );
  }
}

/** A start without a `Config-<Name>` header its workflow declares in `userConfig`: refused before queueing. */
export class UserConfigMissingError extends BifrostError<"USER_CONFIG_MISSING"> {
  override name = "UserConfigMissingError";
  constructor(
    readonly workflow: string,
    readonly missing: string[],
  ) {
    super(
      "USER_CONFIG_MISSING",
      `Workflow "${workflow}" needs per-user config that this request does not carry: send the header${missing.length > 1 ? "s" : ""} ${missing.map((name) => `Config-${name}`).join(", ")}`,
      { workflow, missing },
    );
  }
}
