import { z } from "zod";

/**
 * Every error code the platform can answer with. Stable: clients and scripts match on these,
 * so a code is never renamed, only added. The HTTP status for each lives in http/error-status.ts.
 */
export const ErrorCode = z.enum([
  "VALIDATION_ERROR",
  "MALFORMED_REQUEST",
  "INVALID_CONFIG_KEY",
  "INVALID_CONFIG_VALUE",
  "CONFIG_NOT_FOUND",
  "CONFIG_TYPE_ERROR",
  "SECRET_ACCESS_DENIED",
  "SECRET_VALUE_MISSING",
  "SCOPE_ACCESS_DENIED",
  "SECRET_COPY_DENIED",
  "ORG_NOT_FOUND",
  "WORKFLOW_NOT_FOUND",
  "EXECUTION_NOT_FOUND",
  "EXECUTION_FINISHED",
  "SECRETS_MISSING",
  "BUNDLE_KEY_MISMATCH",
  "QUEUE_UNAVAILABLE",
  "ORG_EXISTS",
  "ORG_NOT_EMPTY",
  "TOKEN_NOT_FOUND",
  "UNAUTHORIZED",
  "FORBIDDEN",
  "NOT_FOUND",
  "PAYLOAD_TOO_LARGE",
  "RATE_LIMITED",
  "UNSUPPORTED_MEDIA_TYPE",
  "SECRET_KEY_INVALID",
  "SECRET_KEY_MISMATCH",
  "DATABASE_ERROR",
  "MIGRATION_ERROR",
  "INTERNAL_ERROR",
  "IDEMPOTENCY_KEY_REUSED",
  "SCHEDULE_NOT_FOUND",
  "WEBHOOK_NOT_FOUND",
  "WEBHOOK_SIGNATURE_INVALID",
]);
export type ErrorCode = z.infer<typeof ErrorCode>;
