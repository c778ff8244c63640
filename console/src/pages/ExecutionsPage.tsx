import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useNavigate } from "react-router";
import { api, query, type Execution, type WorkflowSummary } from "../api";
import { Dialog } from "../components/Dialog";
import { ListState, ScopeFilter, useUrlFilters } from "../components/filters";
import { formatDuration, formatWhen } from "../components/format";
import { RunWorkflowForm } from "../components/RunWorkflowForm";
import { StatusBadge, isActive } from "../components/StatusBadge";
import { useSession } from "../session";

const STATUSES = ["pending", "running", "success", "failed", "timeout", "cancelled"];
const TRIGGERS = ["api", "cli", "console", "schedule", "webhook", "mcp"];

export function ExecutionsPage() {
  const { isAdmin } = useSession();
  const [filter, set] = useUrlFilters(["workflow", "status", "trigger", "scope"] as const);
  const [running, setRunning] = useState(false);
  const navigate = useNavigate();
  const workflows = useQuery({ queryKey: ["workflows"], queryFn: () => api<{ workflows: WorkflowSummary[]; errors: { file: string; message: string }[] }>("GET", "/api/workflows") });
  const executions = useQuery({
    queryKey: ["executions", filter],
    queryFn: () => api<Execution[]>("GET", `/api/executions${query({ ...filter, limit: "200" })}`),
    // Keep the list live while anything in it has not ended.
    refetchInterval: (q) => ((q.state.data ?? []).some((e) => isActive(e.status)) ? 1_500 : false),
  });

  return (
    <section aria-labelledby="executions-title">
      <div className="page-head">
        <h1 id="executions-title">Executions</h1>
        <button type="button" className="primary" onClick={() => setRunning(true)} disabled={!workflows.data?.workflows.length}>
          Run workflow
        </button>
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
      <div className="filters" role="search">
        <div className="field">
          <label htmlFor="filter-workflow">Workflow</label>
          <select id="filter-workflow" value={filter.workflow} onChange={(e) => set("workflow", e.target.value)}>
            <option value="">All workflows</option>
            {workflows.data?.workflows.map((w) => (
              <option key={w.name}>{w.name}</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="filter-status">Status</label>
          <select id="filter-status" value={filter.status} onChange={(e) => set("status", e.target.value)}>
            <option value="">Any status</option>
            {STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="filter-trigger">Started by</label>
          <select id="filter-trigger" value={filter.trigger} onChange={(e) => set("trigger", e.target.value)}>
            <option value="">Anything</option>
            {TRIGGERS.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </div>
        {isAdmin && <ScopeFilter id="filter-scope" label="Org" value={filter.scope} onChange={(v) => set("scope", v)} />}
      </div>
      <ListState query={executions} empty="No executions yet.">
        {(data) => (
          <div className="table-wrap">
            <table aria-label="Executions">
              <thead>
                <tr>
                  <th scope="col">Workflow</th>
                  <th scope="col">Org</th>
                  <th scope="col">Status</th>
                  <th scope="col">Started by</th>
                  <th scope="col">Started</th>
                  <th scope="col">Duration</th>
                </tr>
              </thead>
              <tbody>
                {data.map((e) => (
                  <tr key={e.id}>
                    <th scope="row">
                      <Link to={`/executions/${e.id}`}>{e.workflow}</Link>
                    </th>
                    <td>{e.org?.name ?? "Global"}</td>
                    <td>
                      <StatusBadge status={e.status} />
                    </td>
                    <td>{e.trigger}</td>
                    <td>{formatWhen(e.startedAt ?? e.createdAt)}</td>
                    <td>{formatDuration(e.durationMs)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </ListState>
      <Dialog title="Run a workflow" open={running} onClose={() => setRunning(false)}>
        {running && workflows.data && <RunWorkflowForm workflows={workflows.data.workflows} onStarted={(e) => navigate(`/executions/${e.id}`)} />}
        <button type="button" className="close" onClick={() => setRunning(false)}>
          Cancel
        </button>
      </Dialog>
    </section>
  );
}
