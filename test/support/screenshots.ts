import { join, resolve } from "node:path";

/**
 * Where a console test's screenshot goes: README's pictures (docs/images) only when asked
 * (`npm run screenshots` sets BIFROST_SCREENSHOTS), so a test run does not rewrite files in the
 * work tree; else `scratchDir` (the test database's directory).
 */
export function screenshotPath(name: string, scratchDir: string): string {
  return join(process.env.BIFROST_SCREENSHOTS ? resolve(process.env.BIFROST_SCREENSHOTS) : scratchDir, name);
}
