// Node module hooks (registered by register.mjs) for the platform's processes and for the threads
// that load workflow files: they compile TypeScript with swc (decorator metadata kept, which
// tsyringe needs; an inline source map, so stack traces name the file's own lines), let a workflow
// folder anywhere on disk import the SDK and zod without installing them, and give a workflow
// thread the files as its generation read them. Plain JavaScript: they run before any TypeScript.
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { transform } from "@swc/core";

const SWC_OPTIONS = {
  jsc: {
    parser: { syntax: "typescript", decorators: true },
    target: "es2022",
    keepClassNames: true,
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: true },
  },
  module: { type: "es6" },
  sourceMaps: "inline",
  swcrc: false,
  configFile: false,
};

/** What a workflow file may import from the platform when its own folder does not have it. */
const FROM_PLATFORM = /^(bifrost-ts\/sdk(\/testing)?|zod(\/.*)?)$/;
const PLATFORM_ROOT = new URL("../../../", import.meta.url);

export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (error) {
    if (error?.code !== "ERR_MODULE_NOT_FOUND") throw error;
    if (FROM_PLATFORM.test(specifier))
      return next(specifier, { ...context, parentURL: new URL("package.json", PLATFORM_ROOT).href });
    // A file of the thread's generation that is gone from the disk since: served from the snapshot.
    if (specifier.startsWith("file:") && sources && fileURLToPath(specifier) in sources)
      return { url: specifier, format: "module", shortCircuit: true };
    // TypeScript's own convention: `./helpers.js` names `./helpers.ts`; extensionless imports too.
    if (/^\.\.?\//.test(specifier)) {
      for (const candidate of [specifier, specifier.replace(/\.js$/, ".ts"), `${specifier}.ts`]) {
        const url = context.parentURL ? new URL(candidate, context.parentURL) : null;
        if (url && sources && fileURLToPath(url) in sources)
          return { url: url.href, format: "module", shortCircuit: true };
        if (candidate === specifier) continue;
        try {
          return await next(candidate, context);
        } catch {
          // try the next spelling; the original error is the one to report
        }
      }
    }
    throw error;
  }
}

/** The workflow files' text as the thread's generation read them (src/workflows/workflow-files.ts), by path. */
let sources = null;

export function initialize(data) {
  sources = data?.sources ?? null;
}

export async function load(url, context, next) {
  if (!url.startsWith("file:")) return next(url, context);
  const filename = fileURLToPath(url);
  const kept = sources?.[filename];
  // A generation's JavaScript is its snapshot's text too (ES modules: CommonJS loads from disk).
  if (/\.(js|mjs)$/.test(url)) {
    if (kept === undefined) return next(url, context);
    const format = context.format ?? (url.endsWith(".mjs") ? "module" : undefined);
    return format === "module" ? { format, source: kept, shortCircuit: true } : next(url, context);
  }
  if (!/\.(ts|mts)$/.test(url)) return next(url, context);
  const { code } = await transform(kept ?? (await readFile(filename, "utf8")), { ...SWC_OPTIONS, filename });
  return { format: "module", source: code, shortCircuit: true };
}
