import type { Command } from "commander";
import { ApiClient } from "../api-client.ts";
import { CliError, EXIT } from "../cli-error.ts";
import { credentialsPath, removeCredentials, writeCredentials } from "../credentials.ts";
import { printJson } from "../output.ts";
import { readSecretValue } from "../read-secret.ts";
import type { SessionView } from "../../auth/session-view.ts";

/** `bifrost whoami`, `bifrost login`, `bifrost logout`: who the CLI acts as, and where it keeps that. */
export function registerSessionCommands(program: Command): void {
  program
    .command("whoami")
    .description("who the token is, and which API it talks to")
    .option("--json", "print JSON")
    .action(async (options: { json?: boolean }) => {
      const client = new ApiClient();
      const session = await client.request<SessionView>("GET", "/api/session");
      if (options.json) return printJson({ url: client.baseUrl, ...session });
      const what = session.kind === "admin" ? "an admin token" : `a token of org ${session.org?.name}`;
      process.stdout.write(
        `${session.actor}: ${what}${session.readOnly ? " (read-only)" : ""}, at ${client.baseUrl}\n`,
      );
    });

  program
    .command("login")
    .description("keep an API URL and token in a file only you can read (BIFROST_URL and BIFROST_TOKEN still win)")
    .option("--url <url>", "the API (default: BIFROST_URL, else http://127.0.0.1:$PORT)")
    .option("--json", "print JSON")
    .action(async (options: { url?: string; json?: boolean }) => {
      const url = (options.url ?? process.env.BIFROST_URL ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`).replace(
        /\/+$/,
        "",
      );
      const token = (process.env.BIFROST_TOKEN ?? (await readSecretValue("token", "the API token"))).trim();
      if (!token)
        throw new CliError(
          "no token given: paste one, or pipe it in (`bifrost tokens create --admin` makes one)",
          EXIT.usage,
        );
      // Checked before it is kept: a wrong token or URL fails here, not at the next command.
      const session = await new ApiClient({ url, token }).request<SessionView>("GET", "/api/session");
      const path = writeCredentials({ url, token });
      if (options.json) return printJson({ url, path, actor: session.actor, kind: session.kind, org: session.org });
      process.stdout.write(`logged in to ${url} as ${session.actor}; kept in ${path} (mode 0600)\n`);
    });

  program
    .command("logout")
    .description("forget what `bifrost login` kept")
    .action(() => {
      const removed = removeCredentials();
      process.stdout.write(removed ? `removed ${credentialsPath()}\n` : "not logged in\n");
    });
}
