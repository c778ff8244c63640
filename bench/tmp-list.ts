import { benchEnvironment } from "./environment.ts";
import { requestsPerSecond, seedGlobalConfigs } from "./store-figures.ts";
for (const provider of ["sqlite", "postgresql"] as const) {
  const env = await benchEnvironment(provider);
  await seedGlobalConfigs(env, 1000);
  await requestsPerSecond(env, "/api/configs?scope=global", 1);
  const list = await requestsPerSecond(env, "/api/configs?scope=global", 3);
  const stat = await requestsPerSecond(env, "/health", 3, 16, false);
  console.log(provider, list.toFixed(0), stat.toFixed(0), (list / stat).toFixed(2));
  await env.close();
}
process.exit(0);
