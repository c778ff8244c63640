import { z } from "zod";
import { workflow, type ExecutionContext } from "bifrost-ts/sdk";

/** Uses per-user config: the caller's own API key, sent as a `Config-Api-Key` header, for this run only. */
export class UserReport {
  @workflow({
    name: "user_report",
    description: "Build a report with the calling user's own API key",
    category: "examples",
    params: z.object({ days: z.number().int().min(1).max(90).default(7) }),
  })
  async run(ctx: ExecutionContext, { days }: { days: number }) {
    const apiKey = ctx.userConfig.get("api_key");
    if (!apiKey) throw new Error("send your API key as the Config-Api-Key header");
    ctx.log.info(`building a ${days}-day report`);
    return { days, authenticatedAs: "user key provided" };
  }
}
