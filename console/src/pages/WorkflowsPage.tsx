import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { api, type WorkflowList } from "../api";

/** Every workflow that can run, each linking to its page (schedules, webhooks, runs). */
export function WorkflowsPage() {
  const workflows = useQuery({ queryKey: ["workflows"], queryFn: () => api<WorkflowList>("GET", "/api/workflows") });
  return (
    <section aria-labelledby="workflows-title">
      <div className="page-head">
        <h1 id="workflows-title">Workflows</h1>
      </div>
      {!!workflows.data?.errors.length && (
        <div role="alert" className="page-error">
          Some workflow files did not load:
          <ul>
            {workflows.data.errors.map((e) => (
              <li key={e.file}>
                <code>{e.file}</code>: {e.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      {workflows.isError ? (
        <p role="alert" className="page-error">
          {(workflows.error as Error).message}
        </p>
      ) : !workflows.data ? (
        <p className="loading">Loading…</p>
      ) : workflows.data.workflows.length === 0 ? (
        <p className="empty">No workflows are loaded.</p>
      ) : (
        <div className="table-wrap">
          <table aria-label="Workflows">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Description</th>
                <th scope="col">Secrets it reads</th>
              </tr>
            </thead>
            <tbody>
              {workflows.data.workflows.map((w) => (
                <tr key={w.name}>
                  <th scope="row">
                    <Link to={`/workflows/${encodeURIComponent(w.name)}`}>{w.name}</Link>
                  </th>
                  <td>{w.description ?? ""}</td>
                  <td>
                    {w.secrets.length ? (
                      w.secrets.map((s) => <code key={s}>{s} </code>)
                    ) : (
                      <span className="muted">none</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
