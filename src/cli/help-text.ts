import type { Command } from "commander";

/** What `bifrost --help` says after the commands: where the CLI finds the API. */
export const ENVIRONMENT_HELP = `
Environment:
  BIFROST_URL     the API (default http://127.0.0.1:$PORT, PORT 3000); \`bifrost login\` keeps one
  BIFROST_TOKEN   the token API commands send (\`bifrost tokens create --admin\` makes one)
  DATABASE_URL, BIFROST_SECRET_KEY
                  for the commands that work on the database directly (start, server, worker,
                  migrate, tokens create, keys)

Exit codes: 0 success, 1 failed, 2 usage, 3 not authenticated or not allowed, 4 not found.
Every command that prints takes --json (errors too, as {"error": {...}} on stderr).`;

/** Examples by command path, shown after each command's own help. */
const EXAMPLES: Record<string, string[]> = {
  start: ["bifrost start", "PORT=8080 bifrost start --concurrency 20"],
  server: ["DATABASE_URL=postgresql://... bifrost server"],
  worker: ["bifrost worker --concurrency 50", "BIFROST_WORKER_THREADS=4 bifrost worker"],
  migrate: ["bifrost migrate"],
  "tokens create": [
    "bifrost tokens create --admin --name ci",
    "bifrost tokens create --org acme --read-only --expires-in 30d",
  ],
  "tokens list": ["bifrost tokens list", "bifrost tokens list --json"],
  "tokens revoke": ["bifrost tokens revoke ci"],
  "orgs create": ["bifrost orgs create acme"],
  "orgs list": ["bifrost orgs list --json"],
  "orgs delete": ["bifrost orgs delete acme --force"],
  "config set": [
    "bifrost config set max_retries 3 --type int",
    "bifrost config set max_retries 5 --type int --org acme",
    "bifrost config set stripe_api_key --secret          # prompts, hidden",
    'printf %s "$KEY" | bifrost config set stripe_api_key --secret --org acme',
  ],
  "config get": ["bifrost config get max_retries --org acme"],
  "config list": ["bifrost config list --org acme --effective"],
  "config delete": ["bifrost config delete max_retries --org acme"],
  "config import": [
    "bifrost config import staging.env --org acme --dry-run",
    "bifrost config import staging.env --org acme --secret SIGNING_MATERIAL --plain TOKEN_TTL",
    "bifrost config import settings.json --json",
  ],
  audit: [
    "bifrost audit stripe_api_key",
    "bifrost audit --action secret.read --org acme",
    "bifrost audit --contains stripe --since 2026-12-01T00:00:00Z",
  ],
  run: [
    "bifrost run greet --param name=Ada --org acme",
    "bifrost run charge_card --params '{\"amount\": 500}' --user-config api_key=...",
    "bifrost run nightly_sync --no-wait",
  ],
  "executions list": ["bifrost executions list --status failed --workflow charge_card"],
  "executions get": ["bifrost executions get 0f8c..."],
  "executions logs": [
    "bifrost executions logs 0f8c...",
    "bifrost executions logs 0f8c... --follow",
    "bifrost executions logs 0f8c... --json | jq -r .message",
  ],
  "executions prune": [
    "bifrost executions prune --older-than 7d --dry-run",
    "bifrost executions prune --older-than 90d --json",
  ],
  "executions cancel": ["bifrost executions cancel 0f8c..."],
  "schedules create": ['bifrost schedules create nightly_sync --cron "0 2 * * *" --tz Europe/Paris --org acme'],
  "schedules list": ["bifrost schedules list --org acme"],
  "schedules pause": ["bifrost schedules pause 3f2a..."],
  "schedules resume": ["bifrost schedules resume 3f2a..."],
  "schedules delete": ["bifrost schedules delete 3f2a... --json"],
  "webhooks create": ["bifrost webhooks create on_invoice --org acme"],
  "webhooks list": ["bifrost webhooks list --json"],
  "webhooks rotate-secret": ["bifrost webhooks rotate-secret wh_..."],
  "webhooks delete": ["bifrost webhooks delete wh_..."],
  "keys rotate": [
    "BIFROST_SECRET_KEY=new BIFROST_SECRET_KEY_PREVIOUS=old bifrost keys rotate",
    "bifrost keys rotate --json",
  ],
  export: [
    "bifrost export --portable -o staging.json",
    "bifrost export -o backup.json   # secrets encrypted, written 0600",
  ],
  import: [
    "bifrost import staging.json --dry-run",
    "bifrost import --from-bifrost configs.json --source-secret-key ...",
  ],
  "keys status": ["bifrost keys status"],
  "workflows list": ["bifrost workflows list"],
  "workflows check": ["bifrost workflows check ~/acme-workflows"],
  "workflows test": ["bifrost workflows test ~/acme-workflows"],
  init: ["bifrost init ~/acme-workflows"],
  types: ["bifrost types -o ~/acme-workflows/bifrost-config.d.ts"],
  "mcp config": [
    "bifrost mcp config                      # Cursor, the token's own scope",
    "bifrost mcp config --org acme --client claude > .mcp.json",
    "bifrost mcp config --client vscode > .vscode/mcp.json",
  ],
  whoami: ["bifrost whoami"],
  login: ["bifrost login --url https://bifrost.example.com   # prompts for the token, hidden"],
  logout: ["bifrost logout"],
};

/** Adds each command's examples to its help, and shows defaults as the values they are (`500`, not `"500"`). */
export function decorateHelp(program: Command, path: string[] = []): void {
  for (const command of program.commands) {
    const name = [...path, command.name()].join(" ");
    const examples = EXAMPLES[name];
    if (examples) command.addHelpText("after", `\nExamples:\n${examples.map((line) => `  $ ${line}`).join("\n")}`);
    for (const option of command.options) {
      if (typeof option.defaultValue === "string" && /^\d+$/.test(option.defaultValue))
        option.defaultValue = Number(option.defaultValue);
    }
    decorateHelp(command, [...path, command.name()]);
  }
}
