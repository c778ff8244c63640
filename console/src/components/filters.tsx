import { describeError } from "../error-messages";
import type { UseQueryResult } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { useSearchParams } from "react-router";
import { useSession } from "../session";

/** List filters kept in the URL (so a filtered view can be bookmarked and shared). */
export function useUrlFilters<K extends string>(
  names: readonly K[],
): [Record<K, string>, (name: K, value: string) => void] {
  const [params, setParams] = useSearchParams();
  const filter = Object.fromEntries(names.map((name) => [name, params.get(name) ?? ""])) as Record<K, string>;
  const set = (name: K, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next);
  };
  return [filter, set];
}

/** A scope filter: all (or the token's own org), global for admins, then each org. */
export function ScopeFilter({
  id,
  label,
  value,
  onChange,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
}) {
  const { orgs, isAdmin } = useSession();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">{isAdmin ? "All" : "My org"}</option>
        {isAdmin && <option value="global">Global</option>}
        {orgs.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
      </select>
    </div>
  );
}

/** A list query's error, loading and empty states, or its table. */
export function ListState<T>({
  query,
  empty,
  children,
}: {
  query: Pick<UseQueryResult<T[]>, "isError" | "error" | "data">;
  empty: string;
  children: (rows: T[]) => ReactNode;
}) {
  if (query.isError)
    return (
      <p role="alert" className="page-error">
        {describeError(query.error)}
      </p>
    );
  if (!query.data) return <p className="loading">Loading…</p>;
  if (query.data.length === 0) return <p className="empty">{empty}</p>;
  return <>{children(query.data)}</>;
}
