import { benchEnvironment } from "./environment.ts";
import { httpWaitLatencies, rawLatencies, withRawBullmq } from "./queue-figures.ts";
import { percentile } from "./measure.ts";
for (const provider of ["sqlite", "postgresql"] as const) {
  const env = await benchEnvironment(provider);
  await env.startWorkers(1, 100);
  await httpWaitLatencies(env, Number(process.env.WARM ?? 50));
  const http = await httpWaitLatencies(env, 300);
  const raw = await withRawBullmq((q, e) => rawLatencies(q, e, 300));
  console.log(provider, "http p50", percentile(http, 50).toFixed(2), "raw p50", percentile(raw, 50).toFixed(2), "ratio", (percentile(http, 50) / percentile(raw, 50)).toFixed(2));
  await env.close();
}
process.exit(0);
