/**
 * The config store's keys and the type `config.get` reads each as. Empty here: every key is a
 * string and every value `unknown`. `bifrost types` writes a declaration file that fills it in
 * from the store (`declare module "bifrost-ts/sdk" { interface ConfigTypes { max_retries: number } }`):
 * then `config.get("max_retries")` is a `Promise<number>` and a key the store does not hold is a
 * compile error. A key whose type differs between scopes is the union of its types.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by declaration merging
export interface ConfigTypes {}

/** The store's secret keys, as `bifrost types` writes them: what `secrets: [...]` may name. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by declaration merging
export interface SecretKeys {}

/** A key `config` accepts: any string until `bifrost types` has run, then the store's keys. */
export type ConfigKey = keyof ConfigTypes extends never ? string : Extract<keyof ConfigTypes, string>;

/** A key `secrets: [...]` accepts: any string until `bifrost types` has run, then the store's secrets. */
export type SecretKey = keyof SecretKeys extends never ? string : Extract<keyof SecretKeys, string>;

/** The type `config.get(key)` reads: from `bifrost types`, or `unknown`. */
export type ConfigValue<K extends string> = K extends keyof ConfigTypes ? ConfigTypes[K] : unknown;
