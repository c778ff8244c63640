import { randomUUID } from "node:crypto";
import { benchEnvironment } from "./environment.ts";
import { ExecutionStore } from "../src/executions/execution-store.ts";
import { GLOBAL_SCOPE } from "../src/orgs/index.ts";
for (const provider of ["sqlite", "postgresql"] as const) {
  const env = await benchEnvironment(provider);
  const store = new ExecutionStore(env.platform.db);
  const ids: string[] = [];
  for (let i = 0; i < 2000; i += 100) { const rows = await Promise.all(Array.from({ length: 100 }, () => store.create({ id: randomUUID(), workflow: "bench_noop", scope: GLOBAL_SCOPE, params: {}, createdBy: "b", hasUserConfig: false }))); ids.push(...rows.map((r) => r.id)); }
  for (const scrub of [false, true]) {
    const mine = ids.splice(0, 1000);
    const t = performance.now();
    let next = 0;
    await Promise.all(Array.from({ length: 100 }, async () => {
      while (next < mine.length) {
        const id = mine[next++];
        const claimed = await store.claimPending(id);
        if (scrub) await env.platform.configs.secretValuesForScrubbing(GLOBAL_SCOPE);
        await store.finish(claimed!, { status: "success", result: null, error: null, logs: [] });
      }
    }));
    console.log(provider, scrub ? "claim+scrubq+finish" : "claim+finish", (1000 / ((performance.now() - t) / 1000)).toFixed(0), "/s");
  }
  await env.close();
}
process.exit(0);
