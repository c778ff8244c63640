import { AsyncLocalStorage } from "node:async_hooks";
import type { ConfigType } from "../src/configs/config-type.ts";

/** A config as `config.list()` shows it: secrets masked. */
export interface ConfigEntry {
  key: string;
  type: ConfigType;
  value: unknown;
  masked: boolean;
  /** "global" or the org id it comes from. */
  resolvedFrom: string;
}

export interface ConfigSetOptions {
  /** Store as an encrypted secret (same as `type: "secret"`). */
  secret?: boolean;
  /** Default: from the value (string, int for integers, bool, json for the rest). */
  type?: ConfigType;
  /** Default: the execution's org, or global for a global execution. */
  scope?: "org" | "global";
}

/**
 * What `config` delegates to during an execution. The worker provides one per run; tests can
 * provide an in-memory one. Internal: authors use the `config` facade.
 */
export interface ConfigAccess {
  /** The run's scope as errors name it: "global" or the org's name. */
  readonly scope: string;
  /** The effective value, or `undefined` when the key is set nowhere in the cascade. */
  read(key: string): Promise<{ type: ConfigEntry["type"]; value: unknown } | undefined>;
  write(key: string, value: unknown, options: ConfigSetOptions): Promise<void>;
  list(): Promise<ConfigEntry[]>;
  remove(key: string): Promise<void>;
}

const current = new AsyncLocalStorage<ConfigAccess>();

/** Runs `fn` with `access` behind the `config` facade (the worker calls this once per execution). */
export function runWithConfigAccess<T>(access: ConfigAccess, fn: () => T): T {
  return current.run(access, fn);
}

export function currentConfigAccess(): ConfigAccess {
  const access = current.getStore();
  if (!access) {
    throw new Error(
      "config is only available while a workflow runs (inside a @workflow method). In unit tests, run the workflow with runWorkflow() from bifrost-ts/sdk/testing.",
    );
  }
  return access;
}
