/**
 * A thrown value as a run's error is stored: `name: message` and the stack's frames. The stack's
 * own first lines repeat the message (all its lines), which would store it twice.
 */
export function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const frames = (error.stack ?? "").split("\n").filter((line) => /^\s+at /.test(line));
  return [`${error.name}: ${error.message}`, ...frames].join("\n");
}
