import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { api, query, type AuditRow } from "../api";
import { ListState, ScopeFilter, useUrlFilters } from "../components/filters";
import { formatWhen } from "../components/format";
import { useSession } from "../session";

const ACTIONS = [
  "config.create",
  "config.update",
  "config.delete",
  "secret.read",
  "org.create",
  "token.create",
  "bundle.export",
  "bundle.import",
];

/** Who changed or read what, newest first. The audit log never holds a value. */
export function AuditPage() {
  const { orgName } = useSession();
  const [filter, set] = useUrlFilters(["key", "action", "scope"] as const);
  const rows = useQuery({
    queryKey: ["audit", filter],
    queryFn: () => api<AuditRow[]>("GET", `/api/audit${query({ ...filter, limit: "500" })}`),
  });
  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">Audit log</h1>
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label htmlFor="audit-key">Key</label>
          <input
            id="audit-key"
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
                    <td>{orgName(r.scope)}</td>
                    <td>{r.key ? <code>{r.key}</code> : "—"}</td>
                    <td>{r.executionId ? <Link to={`/executions/${r.executionId}`}>view</Link> : "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </ListState>
    </section>
  );
}
