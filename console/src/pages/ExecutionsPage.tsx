import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useNavigate } from "react-router";
import { api, apiPage, query, type Execution, type WorkflowList } from "../api";
import { Dialog } from "../components/Dialog";
import { ListState, ScopeFilter, useUrlFilters } from "../components/filters";
import { firstLine, formatDuration } from "../components/format";
import { When } from "../components/When";
import { RunWorkflowForm } from "../components/RunWorkflowForm";
import { StatusBadge, isActive } from "../components/StatusBadge";
import { useSession } from "../session";
import { LoadMore } from "../components/LoadMore";

const STATUSES = ["pending", "running", "success", "failed", "timeout", "cancelled"];
const TRIGGERS = ["api", "cli", "console", "schedule", "webhook", "mcp"];

export function ExecutionsPage() {
  const { isAdmin } = useSession();
  const [filter, set] = useUrlFilters(["workflow", "status", "trigger", "scope"] as const);
  const [running, setRunning] = useState(false);
  const navigate = useNavigate();
  const workflows = useQuery({
    queryKey: ["workflows"],
    queryFn: () => api<WorkflowList>("GET", "/api/workflows"),
  });
  // Pages follow the API's `Link: <…>; rel="next"`; "Load more" appears only when there is one.
  const pages = useInfiniteQuery({
    queryKey: ["executions", filter],
    queryFn: ({ pageParam }) => apiPage<Execution>(pageParam ?? `/api/executions${query({ ...filter, limit: "50" })}`),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next,
    // Keep the list live while anything in it has not ended.
    refetchInterval: (q) =>
      (q.state.data?.pages ?? []).some((p) => p.rows.some((e) => isActive(e.status))) ? 1_500 : false,
  });
  const executions = { isError: pages.isError, error: pages.error, data: pages.data?.pages.flatMap((p) => p.rows) };

  return (
    <section aria-labelledby="executions-title">
      <div className="page-head">
        <h1 id="executions-title">Executions</h1>
        <button
          type="button"
          className="primary"
          data-shortcut="new"
          aria-keyshortcuts="n"
          onClick={() => setRunning(true)}
          disabled={!workflows.data?.workflows.length}
        >
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
        {isAdmin && (
          <ScopeFilter id="filter-scope" label="Org" value={filter.scope} onChange={(v) => set("scope", v)} />
        )}
      </div>
      <ListState query={executions} empty="No executions match. Start one with “Run workflow”, or clear the filters.">
        {(data) => (
          <div className="table-wrap">
            <table aria-label="Executions" className="cards">
              <thead>
                <tr>
                  <th scope="col">Workflow</th>
                  <th scope="col">Org</th>
                  <th scope="col">Status</th>
                  <th scope="col">Started by</th>
                  <th scope="col">Worker</th>
                  <th scope="col">Started</th>
                  <th scope="col">Duration</th>
                </tr>
              </thead>
              <tbody>
                {data.map((e) => (
                  <tr key={e.id} data-execution={e.id}>
                    <th scope="row">
                      <Link to={`/executions/${e.id}`}>{e.workflow}</Link>
                    </th>
                    <td data-label="Org">{e.org?.name ?? "Global"}</td>
                    <td data-label="Status">
                      <StatusBadge status={e.status} />
                      {e.status === "cancelled" ? (
                        <span className="error-line">
                          {e.cancelledBy ? `Cancelled by ${e.cancelledBy}` : "Cancelled"}
                        </span>
                      ) : (
                        e.error && (
                          <span className="error-line" title={firstLine(e.error)}>
                            {firstLine(e.error)}
                          </span>
                        )
                      )}
                    </td>
                    <td data-label="Started by">
                      {e.trigger}
                      <span className="muted"> · {e.createdBy}</span>
                    </td>
                    <td data-label="Worker">
                      {e.workerId ? <code>{e.workerId}</code> : <span className="muted">—</span>}
                    </td>
                    <td data-label="Started">
                      <When at={e.startedAt ?? e.createdAt} />
                    </td>
                    <td data-label="Duration">{formatDuration(e.durationMs)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </ListState>
      <LoadMore pages={pages} />
      <Dialog title="Run a workflow" open={running} onClose={() => setRunning(false)}>
        {running && workflows.data && (
          <RunWorkflowForm workflows={workflows.data.workflows} onStarted={(e) => navigate(`/executions/${e.id}`)} />
        )}
        <button type="button" className="close" onClick={() => setRunning(false)}>
          Cancel
        </button>
      </Dialog>
    </section>
  );
}
