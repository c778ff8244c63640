import type { z } from "zod";
import { BifrostError } from "./bifrost-error.ts";

export interface ValidationIssue {
  /** Where the problem is, e.g. `body.value` or `configs[3].value`. */
  path: string;
  message: string;
}

/** Input that does not have the right shape. Lists every problem, each with its path. */
export class ValidationError extends BifrostError<"VALIDATION_ERROR"> {
  override name = "ValidationError";

  constructor(
    readonly issues: ValidationIssue[],
    summary?: string,
  ) {
    super(
      "VALIDATION_ERROR",
      summary ?? issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join("; "),
      { issues },
    );
  }

  static fromZod(error: z.ZodError, prefix = ""): ValidationError {
    return new ValidationError(
      error.issues.map((issue) => ({ path: formatPath(prefix, issue.path), message: issue.message })),
    );
  }
}

/** `prefix` followed by `path` as code would write it: `body.configs[3].value`. */
export function formatPath(prefix: string, path: PropertyKey[]): string {
  let out = prefix;
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}
