import { ConfigNotFoundError, ConfigTypeError } from "../src/errors/index.ts";
import { currentConfigAccess, type ConfigEntry, type ConfigSetOptions } from "./config-access.ts";
import type { ConfigKey, ConfigValue } from "./config-types.ts";

/** What a missing key reads as, instead of throwing ConfigNotFoundError. */
export interface GetOptions<T> {
  default: T;
}

async function getTyped<T>(key: string, expected: ConfigEntry["type"][], options?: GetOptions<T>): Promise<T> {
  const access = currentConfigAccess();
  const found = await access.read(key);
  if (!found) {
    if (options && "default" in options) return options.default;
    throw new ConfigNotFoundError(key, access.scope);
  }
  if (expected.length > 0 && !expected.includes(found.type))
    throw new ConfigTypeError(key, expected.join(" or "), found.type);
  return found.value as T;
}

/**
 * Configs of the running execution's org, resolved through the cascade (org value, else global).
 * Works anywhere inside a `@workflow` method without passing the context around.
 */
export const config = {
  /**
   * The effective value of `key`: typed for its type, decrypted for a secret (which the workflow
   * must declare in `secrets`). Throws ConfigNotFoundError unless a default is given. Its type is
   * `unknown` until `bifrost types` has written the store's keys and types (ConfigTypes).
   * @example const retries = await config.get("max_retries", { default: 3 });
   */
  get<K extends ConfigKey, D = never>(key: K, options?: GetOptions<D>): Promise<ConfigValue<K> | D> {
    return getTyped<ConfigValue<K> | D>(key, [], options as GetOptions<ConfigValue<K> | D> | undefined);
  },

  /** A string or secret config. @example const region = await config.getString("region"); */
  getString(key: ConfigKey, options?: GetOptions<string>): Promise<string> {
    return getTyped(key, ["string", "secret"], options);
  },

  /** An int config. @example const limit = await config.getInt("rate_limit", { default: 10 }); */
  getInt(key: ConfigKey, options?: GetOptions<number>): Promise<number> {
    return getTyped(key, ["int"], options);
  },

  /** A bool config. @example if (await config.getBool("dry_run", { default: false })) return; */
  getBool(key: ConfigKey, options?: GetOptions<boolean>): Promise<boolean> {
    return getTyped(key, ["bool"], options);
  },

  /** A json config. @example const plans = await config.getJson<Plan[]>("plans"); */
  getJson<T = unknown>(key: ConfigKey, options?: GetOptions<T>): Promise<T> {
    return getTyped(key, ["json"], options);
  },

  /**
   * Creates or replaces a config, in the execution's org by default.
   * @example await config.set("last_sync", new Date().toISOString());
   * @example await config.set("refresh_token", token, { secret: true });
   */
  set(key: string, value: unknown, options: ConfigSetOptions = {}): Promise<void> {
    return currentConfigAccess().write(key, value, options);
  },

  /** Every key the execution can read, secrets masked. @example const keys = (await config.list()).map((c) => c.key); */
  list(): Promise<ConfigEntry[]> {
    return currentConfigAccess().list();
  },

  /** Deletes the execution org's own row (a global value then shows through). @example await config.delete("cursor"); */
  delete(key: string): Promise<void> {
    return currentConfigAccess().remove(key);
  },
};
