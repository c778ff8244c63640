import password from "@inquirer/password";
import { CliError } from "./cli-error.ts";

/**
 * A secret value from a hidden prompt (terminal) or from stdin (pipe), so it never has to be typed
 * on the command line where shell history and `ps` would keep it. One trailing newline from a pipe
 * is dropped (`echo`), nothing else.
 */
export async function readSecretValue(key: string, what = `secret "${key}"`): Promise<string> {
  if (process.stdin.isTTY) {
    return password({ message: `Value for ${what}:`, mask: "•" }, { output: process.stderr });
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const value = Buffer.concat(chunks)
    .toString("utf8")
    .replace(/\r?\n$/, "");
  if (!value) throw new CliError(`no value for ${what} on stdin: pipe it in, or run in a terminal to be prompted`, 2);
  return value;
}
