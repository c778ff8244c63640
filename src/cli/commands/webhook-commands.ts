import type { Command } from "commander";
import type { WebhookView, WebhookWithSecret } from "../../webhooks/webhook-view.ts";
import { ApiClient } from "../api-client.ts";
import { printJson, printOutcome, printTable } from "../output.ts";

/** `bifrost webhooks create|list|delete|rotate-secret`, through the API. */
export function registerWebhookCommands(program: Command): void {
  const webhooks = program.command("webhooks").description("inbound webhooks that run a workflow (through the API)");

  webhooks
    .command("create <workflow>")
    .description("create an inbound webhook; prints its URL and its signing secret, once")
    .option("--org <name>", "run for this org; default: global for admin tokens, the token's org for org tokens")
    .option("--description <text>", "what sends to it")
    .option("--json", "print JSON")
    .action(async (workflow: string, options: { org?: string; description?: string; json?: boolean }) => {
      const created = await new ApiClient().request<WebhookWithSecret>("POST", "/api/webhooks", {
        query: { scope: options.org },
        body: { workflow, description: options.description },
      });
      if (options.json) return printJson(created);
      printSecret(`created webhook ${created.id} for ${created.workflow}`, created);
    });

  webhooks
    .command("list")
    .description("list webhooks (never their secrets)")
    .option("--org <name>", "only this org's (or `global`)")
    .option("--workflow <name>", "only this workflow's")
    .option("--json", "print JSON")
    .action(async (options: { org?: string; workflow?: string; json?: boolean }) => {
      const rows = await new ApiClient().request<WebhookView[]>("GET", "/api/webhooks", {
        query: { scope: options.org, workflow: options.workflow },
      });
      if (options.json) return printJson(rows);
      printTable(
        rows.map((w) => ({
          id: w.id,
          workflow: w.workflow,
          org: w.org?.name ?? "(global)",
          url: w.url,
          description: w.description ?? "",
          created: w.createdAt,
        })),
        "(no webhooks)",
      );
    });

  webhooks
    .command("delete <id>")
    .description("delete a webhook (deliveries to its URL get 404 from then on)")
    .option("--json", "print the outcome as JSON")
    .action(async (id: string, options: { json?: boolean }) => {
      await new ApiClient().request("DELETE", `/api/webhooks/${encodeURIComponent(id)}`);
      printOutcome(options, { deleted: id }, `deleted webhook ${id}`);
    });

  webhooks
    .command("rotate-secret <id>")
    .description("give a webhook a new signing secret (the old one stops working at once); prints it, once")
    .option("--json", "print JSON")
    .action(async (id: string, options: { json?: boolean }) => {
      const rotated = await new ApiClient().request<WebhookWithSecret>(
        "POST",
        `/api/webhooks/${encodeURIComponent(id)}/rotate-secret`,
      );
      if (options.json) return printJson(rotated);
      printSecret(`new secret for webhook ${rotated.id}`, rotated);
    });
}

function printSecret(headline: string, hook: WebhookWithSecret): void {
  process.stdout.write(`${headline}\nurl:    ${hook.url}\nsecret: ${hook.secret}\n`);
  process.stderr.write(
    "the secret is shown this once: give it to the sender now (bifrost webhooks rotate-secret makes a new one)\n",
  );
}
