import { benchEnvironment } from "./environment.ts";
import { seedGlobalConfigs } from "./store-figures.ts";
import { sql } from "../src/storage/database.ts";
import { toConfigView } from "../src/configs/config-view.ts";
const env = await benchEnvironment("sqlite");
await seedGlobalConfigs(env, 1000);
const q = sql`SELECT * FROM "configs" WHERE "scope" = ${"global"} ORDER BY "key"`;
for (let k = 0; k < 3; k++) {
  let t = performance.now(); let rows: any[] = [];
  for (let i = 0; i < 50; i++) rows = await env.platform.db.direct.query(q);
  console.log("direct query", ((performance.now() - t) / 50).toFixed(2), "ms", rows.length);
  t = performance.now();
  for (let i = 0; i < 50; i++) rows.map(toConfigView as any);
  console.log("views", ((performance.now() - t) / 50).toFixed(2));
  const views = rows.map(toConfigView as any);
  t = performance.now();
  for (let i = 0; i < 50; i++) JSON.stringify(views);
  console.log("stringify", ((performance.now() - t) / 50).toFixed(2), JSON.stringify(views).length);
}
await env.close();
process.exit(0);
