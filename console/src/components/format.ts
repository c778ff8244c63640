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

/** "3 min ago", "in 2 h": for tables; the absolute time goes in the title (see <When>). */
export function formatRelative(iso: string | null, now = Date.now()): string {
  if (!iso) return "—";
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  const units: [Intl.RelativeTimeFormatUnit, number][] = [
    ["day", 86_400],
    ["hour", 3_600],
    ["minute", 60],
    ["second", 1],
  ];
  const format = new Intl.RelativeTimeFormat(undefined, { numeric: "auto", style: "short" });
  for (const [unit, size] of units)
    if (Math.abs(seconds) >= size || unit === "second") return format.format(Math.trunc(seconds / size), unit);
  return "—";
}

/** The first line of a stored error: what a list shows of it. */
export function firstLine(text: string | null): string {
  return text ? (text.split("\n", 1)[0] ?? "").trim() : "";
}
