import { z } from "zod";

/** The one list of config types: the API, bundles and the OpenAPI document take it from here. */
export const ConfigType = z
  .enum(["string", "int", "bool", "json", "secret"])
  .meta({ id: "ConfigType", description: "How a config's value is typed and stored" });
export type ConfigType = z.infer<typeof ConfigType>;

/** What `config.get` returns for each type. */
export interface ConfigValueOf {
  string: string;
  int: number;
  bool: boolean;
  json: unknown;
  secret: string;
}

/** The type `config.set(key, value)` stores when none is given. */
export function inferConfigType(value: unknown): Exclude<ConfigType, "secret"> {
  if (typeof value === "string") return "string";
  if (typeof value === "boolean") return "bool";
  return Number.isInteger(value) ? "int" : "json";
}
