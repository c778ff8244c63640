import { z } from "zod";

export const ConfigType = z.enum(["string", "int", "bool", "json", "secret"]);
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
