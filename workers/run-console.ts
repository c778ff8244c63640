import { AsyncLocalStorage } from "node:async_hooks";
import { format } from "node:util";
import type { ExecutionLogger } from "../sdk/execution-context.ts";

const runLog = new AsyncLocalStorage<ExecutionLogger>();

/** Runs `fn` (a workflow method) so that `console` output from its code goes to `log` (see captureConsole). */
export function withRunConsole<T>(log: ExecutionLogger, fn: () => T): T {
  return runLog.run(log, fn);
}

const LEVELS = { log: "info", info: "info", debug: "debug", trace: "debug", warn: "warn", error: "error" } as const;

/**
 * Makes `console.log` and friends, when workflow code calls them during a run, write to that run's
 * log (`ctx.log`: scrubbed of secrets and stored with the execution) instead of the worker's
 * stdout, where a secret would have been printed as it is. Elsewhere `console` is unchanged.
 * Called once by a process that runs workflows; returns the function that undoes it.
 */
export function captureConsole(): () => void {
  const originals = new Map<keyof typeof LEVELS, (...args: unknown[]) => void>();
  for (const [method, level] of Object.entries(LEVELS) as [keyof typeof LEVELS, keyof ExecutionLogger][]) {
    const original = console[method];
    originals.set(method, original);
    console[method] = (...args: unknown[]) => {
      const log = runLog.getStore();
      if (log) log[level](format(...args));
      else original.apply(console, args);
    };
  }
  return () => {
    for (const [method, original] of originals) console[method] = original;
  };
}
