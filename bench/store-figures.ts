import { once } from "node:events";
import type { AddressInfo } from "node:net";
import express from "express";
import helmet from "helmet";
import { bundleImportSource } from "../src/bundles/bundle-format.ts";
import { requestLogger } from "../src/http/request-logger.ts";
import type { BenchEnvironment } from "./environment.ts";
import { sleep } from "./measure.ts";

/** A portable bundle of `configs` configs over `orgs` orgs (a tenth of them secrets). */
export function bundleOf(orgs: number, configs: number, prefix: string) {
  const names = Array.from({ length: orgs }, (_, i) => ({ name: `${prefix}-${String(i).padStart(4, "0")}` }));
  const perOrg = Math.ceil(configs / orgs);
  return {
    format: "bifrost-ts/bundle",
    version: 1,
    portable: true,
    orgs: names,
    configs: names
      .flatMap((o, i) =>
        Array.from({ length: perOrg }, (_, k) => ({
          org: o.name,
          key: `key_${k}`,
          type: k % 10 === 0 ? "secret" : "int",
          description: null,
          value: k % 10 === 0 ? null : i * 1000 + k,
        })),
      )
      .slice(0, configs),
  };
}

/** Import then export of a bundle, timed, with the resident memory growth of this process. */
export async function importExport(env: BenchEnvironment, orgs: number, configs: number, prefix: string) {
  const doc = bundleOf(orgs, configs, prefix);
  global.gc?.();
  const rss0 = process.memoryUsage().rss;
  const t0 = performance.now();
  const report = await env.platform.bundleImporter.import(bundleImportSource(doc), {
    dryRun: false,
    actor: "bench",
    format: "bundle",
  });
  const importMs = performance.now() - t0;
  if (report.configs.created !== configs) throw new Error(`imported ${report.configs.created} of ${configs}`);
  const rss1 = process.memoryUsage().rss;
  const t1 = performance.now();
  let bytes = 0;
  for await (const chunk of env.platform.bundleExporter.export({ portable: true, actor: "bench" }))
    bytes += chunk.length;
  const exportMs = performance.now() - t1;
  const rss2 = process.memoryUsage().rss;
  return { importMs, exportMs, importRssMb: (rss1 - rss0) / 1e6, exportRssMb: (rss2 - rss1) / 1e6, bytes };
}

/** Seeds `count` configs for the list figure: global ones, or in `org` (created). */
export async function seedGlobalConfigs(
  env: BenchEnvironment,
  count: number,
  org: string | null = null,
): Promise<void> {
  const doc = {
    format: "bifrost-ts/bundle",
    version: 1,
    portable: true,
    orgs: org ? [{ name: org }] : [],
    configs: Array.from({ length: count }, (_, i) => ({
      org,
      key: `list_${i}`,
      type: "string",
      description: "a config to list",
      value: `value number ${i}`,
    })),
  };
  await env.platform.bundleImporter.import(bundleImportSource(doc), {
    dryRun: false,
    actor: "bench",
    format: "bundle",
  });
}

/** Milliseconds of one `GET path` right after a config of its scope changed (the list is rendered anew), median of `times`. */
export async function listAfterChange(
  env: BenchEnvironment,
  path: string,
  scope: string,
  times: number,
): Promise<number> {
  const headers = { authorization: `Bearer ${env.adminToken}`, "content-type": "application/json" };
  const out: number[] = [];
  for (let i = 0; i < times; i++) {
    const put = await fetch(`${env.server.url}/api/configs/list_changed?scope=${scope}`, {
      method: "PUT",
      headers,
      body: JSON.stringify({ type: "int", value: i }),
    });
    if (!put.ok) throw new Error(`PUT answered ${put.status}`);
    const t0 = performance.now();
    const res = await fetch(env.server.url + path, { headers });
    await res.arrayBuffer();
    out.push(performance.now() - t0);
  }
  return out.sort((a, b) => a - b)[Math.floor(out.length / 2)];
}

/** Requests/s of `path` with `concurrency` clients for `seconds`. */
export function requestsPerSecond(
  env: BenchEnvironment,
  path: string,
  seconds: number,
  concurrency = 16,
  auth = true,
): Promise<number> {
  return requestsPerSecondAt(
    env.server.url + path,
    auth ? { authorization: `Bearer ${env.adminToken}` } : {},
    seconds,
    concurrency,
  );
}

/** GETs of `url` answered 200, per second, from `concurrency` clients (fetch) each one request after the other. */
async function requestsPerSecondAt(
  url: string,
  headers: Record<string, string>,
  seconds: number,
  concurrency: number,
): Promise<number> {
  let done = 0;
  let stop = false;
  const client = async () => {
    while (!stop) {
      const res = await fetch(url, { headers });
      if (!res.ok) throw new Error(`${url} answered ${res.status}`);
      await res.arrayBuffer();
      done++;
    }
  };
  const t0 = performance.now();
  const clients = Array.from({ length: concurrency }, client);
  await sleep(seconds * 1000);
  stop = true;
  await Promise.all(clients);
  return (done / (performance.now() - t0)) * 1000;
}

/**
 * The list figure's second peer: Express with the platform's security headers and request log,
 * sending `body` (a config list's bytes) from memory, with no authentication and no reads: what
 * answering with that many bytes costs here, whoever sends them. `fn` gets its requests/s meter.
 */
export async function withStaticBytes<T>(
  env: BenchEnvironment,
  body: Buffer,
  fn: (requestsPerSecond: (seconds: number) => Promise<number>) => Promise<T>,
): Promise<T> {
  const app = express();
  app.disable("x-powered-by");
  app.use(helmet({ contentSecurityPolicy: false }));
  app.use(requestLogger(env.platform.logger));
  app.get("/list", (_req, res) => {
    res.set("ETag", 'W/"static"').type("json").send(body);
  });
  const server = app.listen(0, "127.0.0.1");
  await once(server, "listening");
  try {
    const { port } = server.address() as AddressInfo;
    return await fn((seconds) => requestsPerSecondAt(`http://127.0.0.1:${port}/list`, {}, seconds, 16));
  } finally {
    server.close();
  }
}
