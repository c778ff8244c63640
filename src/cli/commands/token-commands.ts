import type { Command } from "commander";
import { ExpiresIn } from "../../auth/token-input.ts";
import type { TokenView } from "../../auth/token-service.ts";
import { ApiClient } from "../api-client.ts";
import { CliError } from "../cli-error.ts";
import { printJson, printOutcome, printTable } from "../output.ts";

/** Exit codes of CONTRACT.md v2 "CLI exit codes" for the failures this file finds itself. */
const USAGE = 2;
const NOT_FOUND = 4;

/**
 * `bifrost tokens create` works on the database directly (it is how the first admin token is made);
 * `tokens list` and `tokens revoke` go through the API with BIFROST_TOKEN.
 */
export function registerTokenCommands(program: Command): void {
  const tokens = program.command("tokens").description("API tokens");

  tokens
    .command("create")
    .description("create an API token and print it once (works on the database directly)")
    .option("--admin", "a token that manages global configs and every org")
    .option("--org <name>", "a token that acts only inside this org")
    .option("--name <name>", "a label for audit rows, e.g. ci-deploy")
    .option("--read-only", "the token reads what its kind may read and changes nothing (no writes, no runs)")
    .option("--expires-in <duration>", "how long it lives: 90m, 12h, 30d (at most 365d); default: no expiry")
    .option("--json", "print the token and what it is as JSON")
    .action(
      async (options: {
        admin?: boolean;
        org?: string;
        name?: string;
        readOnly?: boolean;
        expiresIn?: string;
        json?: boolean;
      }) => {
        if (Boolean(options.admin) === Boolean(options.org))
          throw new CliError("give exactly one of --admin or --org <name>", USAGE);
        const lifetime = options.expiresIn === undefined ? undefined : ExpiresIn.safeParse(options.expiresIn);
        if (lifetime && !lifetime.success)
          throw new CliError(
            `--expires-in ${JSON.stringify(options.expiresIn)}: ${lifetime.error.issues[0].message}`,
            USAGE,
          );
        const { openPlatform } = await import("../../platform/platform.ts");
        const { createLogger } = await import("../../logging/logger.ts");
        const platform = await openPlatform({ logger: createLogger({ level: "warn", destination: process.stderr }) });
        try {
          const extra = { readOnly: options.readOnly ?? false, lifetimeMs: lifetime?.data };
          let created;
          if (options.org) {
            const org = await platform.orgs.find(options.org);
            if (!org)
              throw new CliError(
                `no org named "${options.org}": create it first with \`bifrost orgs create ${options.org}\``,
                NOT_FOUND,
              );
            created = await platform.tokens.create({ role: "org", org, ...extra }, options.name, "cli");
          } else {
            created = await platform.tokens.create({ role: "admin", ...extra }, options.name, "cli");
          }
          const traits = [
            created.readOnly ? "read-only" : null,
            created.expiresAt ? `expires ${created.expiresAt}` : null,
          ].filter(Boolean);
          process.stderr.write(
            `Created ${created.kind} token "${created.name}"${created.org ? ` for org ${created.org.name}` : ""}${traits.length ? ` (${traits.join(", ")})` : ""}. It is shown once; store it now.\n`,
          );
          if (options.json) printJson(created);
          else process.stdout.write(`${created.token}\n`);
        } finally {
          await platform.close();
        }
      },
    );

  tokens
    .command("list")
    .description(
      "list the tokens this token manages (all for an admin, its org's for an org token); never the tokens themselves",
    )
    .option("--json", "print JSON")
    .action(async (options: { json?: boolean }) => {
      const list = await new ApiClient().request<TokenView[]>("GET", "/api/tokens");
      if (options.json) return printJson(list);
      printTable(
        list.map((token) => ({
          id: token.id,
          name: token.name,
          kind: token.kind,
          org: token.org?.name ?? "",
          access: token.readOnly ? "read-only" : "read-write",
          status: statusOf(token),
          created: token.createdAt,
          "last-used": token.lastUsedAt ?? "never",
          expires: token.expiresAt ?? "never",
        })),
        "(no tokens)",
      );
    });

  tokens
    .command("revoke <token>")
    .description(
      "revoke a token by id, or by name when one token not yet revoked has it; refused on the very next request",
    )
    .option("--json", "print the outcome as JSON")
    .action(async (ref: string, options: { json?: boolean }) => {
      const client = new ApiClient();
      const target = pick(await client.request<TokenView[]>("GET", "/api/tokens"), ref);
      await client.request("DELETE", `/api/tokens/${encodeURIComponent(target.id)}`);
      printOutcome(
        options,
        { revoked: target.id, name: target.name, kind: target.kind },
        `revoked ${target.kind} token ${target.name} (${target.id})`,
      );
    });
}

/** The token `ref` names: the one with that id, else the one not yet revoked with that name. */
function pick(list: TokenView[], ref: string): TokenView {
  const byId = list.find((token) => token.id === ref.toLowerCase());
  if (byId) return byId;
  const named = list.filter((token) => token.name === ref && !token.revokedAt);
  if (named.length === 1) return named[0];
  if (named.length === 0)
    throw new CliError(
      `no token with id or name "${ref}" (that is not revoked already): see \`bifrost tokens list\``,
      NOT_FOUND,
    );
  const which = named.map(
    (token) => `${token.id} (${token.kind}${token.org ? ` ${token.org.name}` : ""}, created ${token.createdAt})`,
  );
  throw new CliError(`${named.length} tokens are named "${ref}": ${which.join(", ")}; revoke one by id`, USAGE);
}

function statusOf(token: TokenView): string {
  if (token.revokedAt) return "revoked";
  if (token.expiresAt && Date.parse(token.expiresAt) <= Date.now()) return "expired";
  return "active";
}
