// Node module hooks for the threads that load workflow files (registered by register.mjs): they
// compile TypeScript with swc (decorator metadata kept, which tsyringe needs; an inline source map,
// so stack traces name the file's own lines), and let a workflow folder anywhere on disk import the
// SDK and zod without installing them. Plain JavaScript: they run before any TypeScript can load.
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
    if (FROM_PLATFORM.test(specifier)) return next(specifier, { ...context, parentURL: new URL("package.json", PLATFORM_ROOT).href });
    // TypeScript's own convention: `./helpers.js` names `./helpers.ts`; extensionless imports too.
    if (/^\.\.?\//.test(specifier)) {
      for (const candidate of [specifier.replace(/\.js$/, ".ts"), `${specifier}.ts`]) {
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

export async function load(url, context, next) {
  if (!url.startsWith("file:") || !/\.(ts|mts)$/.test(url)) return next(url, context);
  const filename = fileURLToPath(url);
  const { code } = await transform(await readFile(filename, "utf8"), { ...SWC_OPTIONS, filename });
  return { format: "module", source: code, shortCircuit: true };
}

