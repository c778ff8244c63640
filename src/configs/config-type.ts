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
