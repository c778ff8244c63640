import { benchEnvironment } from "./environment.ts";
import { platformThroughput } from "./queue-figures.ts";
import { GLOBAL_SCOPE } from "../src/orgs/index.ts";
for (const provider of ["sqlite", "postgresql"] as const) {
  const env = await benchEnvironment(provider);
  const workers = await env.startWorkers(1, 100);
  await platformThroughput(env, 200);
  console.log(provider, "full", (await platformThroughput(env, 2000)).toFixed(0));
  for (const w of workers) w.kill("SIGKILL");
  await new Promise((r) => setTimeout(r, 500));
  const t = performance.now();
  for (let i = 0; i < 2000; i += 100) {
    await Promise.all(Array.from({ length: 100 }, () => env.server.executions.start({ workflow: "bench_noop", scope: GLOBAL_SCOPE, params: {}, userConfig: {}, actor: "bench" })));
  }
  console.log(provider, "enqueue only/s", (2000 / ((performance.now() - t) / 1000)).toFixed(0));
  const prisma = env.platform.db.prisma;
  const before = await prisma.execution.count({ where: { status: "success" } });
  const t2 = performance.now();
  await env.startWorkers(1, 100);
  const t3 = performance.now();
  while ((await prisma.execution.count({ where: { status: "success" } })) - before < 2000) await new Promise((r) => setTimeout(r, 20));
  console.log(provider, "drain only/s", (2000 / ((performance.now() - t3) / 1000)).toFixed(0), "worker start ms", (t3 - t2).toFixed(0));
  await env.close();
}
process.exit(0);
