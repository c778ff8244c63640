/**
 * The CLI's exit codes (../shared/CONTRACT.md, "CLI exit codes"): 0 success; 1 the operation
 * failed (a run that did not succeed, a server error); 2 usage (an unknown command or option, a
 * bad argument); 3 not authenticated or not allowed; 4 not found.
 */
export const EXIT = { failed: 1, usage: 2, denied: 3, notFound: 4 } as const;

/** A failure the CLI reports as one line on stderr (JSON with --json) with a non-zero exit code. */
export class CliError extends Error {
  override name = "CliError";
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failed,
    /** The API's error code, when the API refused. */
    readonly code?: string,
    /** The API's error details, when it gave some. */
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** The exit code for an API error: by its HTTP status (400 is a bad argument: usage). */
export function exitCodeForStatus(status: number): number {
  if (status === 401 || status === 403) return EXIT.denied;
  if (status === 404) return EXIT.notFound;
  if (status === 400) return EXIT.usage;
  return EXIT.failed;
}
