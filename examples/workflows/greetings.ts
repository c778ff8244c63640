import { z } from "zod";
import { config, workflow, type ExecutionContext } from "bifrost-ts/sdk";

/** An org-specific greeting from the cascade: each org can override the global text. */
export class Greetings {
  @workflow({
    name: "greet",
    description: "Greet someone in the org's own words",
    category: "examples",
    params: z.object({ name: z.string().min(1) }),
  })
  async greet(ctx: ExecutionContext, { name }: { name: string }) {
    const greeting = await config.getString("greeting", { default: "Hello" });
    ctx.log.info(`greeting ${name}`);
    return { message: `${greeting}, ${name}!` };
  }
}
