import type { Config } from "../api";

export const MASK = "••••••";

export function formatWhen(iso: string | null): string {
  if (!iso) return "—";
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "medium" });
}

export function formatDuration(ms: number | null): string {
  if (ms === null) return "—";
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** How a config's value reads in a table: never a secret's. */
export function formatValue(config: Pick<Config, "type" | "value" | "hasValue">): string {
  if (config.type === "secret") return config.hasValue ? MASK : "no value yet";
  if (config.type === "bool") return config.value ? "true" : "false";
  if (config.type === "json") return JSON.stringify(config.value);
  return String(config.value);
}
