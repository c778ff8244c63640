import type { Command } from "commander";
import { ApiClient } from "../api-client.ts";
import { printJson, printOutcome, printTable } from "../output.ts";
import type { OrgView } from "../../orgs/org-view.ts";

export function registerOrgCommands(program: Command): void {
  const orgs = program.command("orgs").description("organisations (through the API)");

  orgs
    .command("create <name>")
    .description("create an org")
    .option("--json", "print JSON")
    .action(async (name: string, options: { json?: boolean }) => {
      const org = await new ApiClient().request<OrgView>("POST", "/api/orgs", { body: { name } });
      if (options.json) printJson(org);
      else process.stdout.write(`created org ${org.name} (${org.id})\n`);
    });

  orgs
    .command("list")
    .description("list orgs")
    .option("--json", "print JSON")
    .action(async (options: { json?: boolean }) => {
      const list = await new ApiClient().request<OrgView[]>("GET", "/api/orgs");
      if (options.json) printJson(list);
      else
        printTable(
          list.map((o) => ({ name: o.name, id: o.id, created: o.createdAt })),
          "(no orgs)",
        );
    });

  orgs
    .command("delete <name>")
    .description(
      "delete an org and its tokens (admin); refused while it holds configs, unless --force; its executions and audit rows stay",
    )
    .option("--force", "delete its configs with it")
    .option("--json", "print the outcome as JSON")
    .action(async (name: string, options: { force?: boolean; json?: boolean }) => {
      await new ApiClient().request("DELETE", `/api/orgs/${encodeURIComponent(name)}`, {
        query: { force: options.force ? "true" : undefined },
      });
      printOutcome(options, { deleted: name }, `deleted org ${name}`);
    });
}
