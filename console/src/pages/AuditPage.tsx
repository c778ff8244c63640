import { useInfiniteQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { apiPage, query, type AuditRow } from "../api";
import { ListState, ScopeFilter, useUrlFilters } from "../components/filters";
import { formatWhen } from "../components/format";
import { useSession } from "../session";
import { LoadMore } from "../components/LoadMore";

const ACTIONS = [
  "config.create",
  "config.update",
  "config.delete",
  "config.denied",
  "secret.read",
  "org.create",
  "org.delete",
  "token.create",
  "token.revoke",
  "bundle.export",
  "bundle.import",
  "keys.rotate",
  "schedule.create",
  "schedule.update",
  "schedule.delete",
  "webhook.create",
  "webhook.delete",
  "webhook.rotate_secret",
  "execution.cancel",
];

/** The start of a `YYYY-MM-DD` day in the browser's time zone (plus `days`), as ISO; undefined for none. */
function dayStart(day: string, days = 0): string | undefined {
  if (!day) return undefined;
  const start = new Date(`${day}T00:00:00`);
  if (Number.isNaN(start.getTime())) return undefined;
  start.setDate(start.getDate() + days);
  return start.toISOString();
}

/** Who changed or read what, newest first. The audit log never holds a value. */
export function AuditPage() {
  const { orgName } = useSession();
  const [filter, set] = useUrlFilters(["key", "action", "scope", "from", "to"] as const);
  const path = `/api/audit${query({
    keyContains: filter.key,
    action: filter.action,
    scope: filter.scope,
    since: dayStart(filter.from),
    until: dayStart(filter.to, 1),
    limit: "100",
  })}`;
  // Pages follow the API's `Link: <…>; rel="next"`; "Load more" appears only when there is one.
  const pages = useInfiniteQuery({
    queryKey: ["audit", filter],
    queryFn: ({ pageParam }) => apiPage<AuditRow>(pageParam ?? path),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next,
  });
  const rows = { isError: pages.isError, error: pages.error, data: pages.data?.pages.flatMap((p) => p.rows) };
  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">Audit log</h1>
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label htmlFor="audit-key">Key</label>
          <input
            id="audit-key"
            placeholder="a part of a key"
            type="search"
            data-shortcut="search"
            aria-keyshortcuts="/"
            defaultValue={filter.key}
            onBlur={(e) => set("key", e.target.value.trim())}
            onKeyDown={(e) => e.key === "Enter" && set("key", e.currentTarget.value.trim())}
          />
        </div>
        <div className="field">
          <label htmlFor="audit-action">Action</label>
          <select id="audit-action" value={filter.action} onChange={(e) => set("action", e.target.value)}>
            <option value="">Any action</option>
            {ACTIONS.map((a) => (
              <option key={a}>{a}</option>
            ))}
          </select>
        </div>
        <ScopeFilter id="audit-scope" label="Scope" value={filter.scope} onChange={(v) => set("scope", v)} />
        <div className="field">
          <label htmlFor="audit-from">From</label>
          <input id="audit-from" type="date" value={filter.from} onChange={(e) => set("from", e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="audit-to">To</label>
          <input id="audit-to" type="date" value={filter.to} onChange={(e) => set("to", e.target.value)} />
        </div>
      </form>
      <ListState query={rows} empty="Nothing recorded for these filters.">
        {(data) => (
          <div className="table-wrap">
            <table aria-label="Audit log">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Actor</th>
                  <th scope="col">Action</th>
                  <th scope="col">Scope</th>
                  <th scope="col">Key</th>
                  <th scope="col">Execution</th>
                </tr>
              </thead>
              <tbody>
                {data.map((r, i) => (
                  <tr key={i}>
                    <td>{formatWhen(r.at)}</td>
                    <td>{r.actor}</td>
                    <td>
                      <code>{r.action}</code>
                    </td>
                    <td>
                      {orgName(r.scope)}
                      {r.runScope && <span className="shadowed">by a run of {orgName(r.runScope)}</span>}
                    </td>
                    <td>{r.key ? <code>{r.key}</code> : "—"}</td>
                    <td>{r.executionId ? <Link to={`/executions/${r.executionId}`}>view</Link> : "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </ListState>
      <LoadMore pages={pages} />
    </section>
  );
}
