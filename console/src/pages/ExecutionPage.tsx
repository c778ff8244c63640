import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Link, useParams } from "react-router";
import { api, type Execution } from "../api";
import { CancelledNote } from "../components/CancelledNote";
import { ExecutionActions } from "../components/ExecutionActions";
import { formatDuration, formatWhen } from "../components/format";
import { Elapsed, LiveLogs } from "../components/LiveLogs";
import { StatusBadge, isActive } from "../components/StatusBadge";

/** One execution as stored (result, error and logs were scrubbed of secrets before they were). */
export function ExecutionPage() {
  const { id } = useParams();
  const queryClient = useQueryClient();
  const execution = useQuery({
    queryKey: ["execution", id],
    queryFn: () => api<Execution>("GET", `/api/executions/${encodeURIComponent(id!)}`),
    // The events stream (LiveLogs) says when the status changes; this re-read is the fallback.
    refetchInterval: (q) => (q.state.data && isActive(q.state.data.status) ? 5_000 : false),
  });

  if (execution.isError)
    return (
      <p role="alert" className="page-error">
        {(execution.error as Error).message}
      </p>
    );
  const e = execution.data;
  if (!e) return <p className="loading">Loading…</p>;
  return (
    <section aria-labelledby="execution-title" className="execution">
      <p className="crumb">
        <Link to="/executions">Executions</Link>
      </p>
      <div className="page-head">
        <h1 id="execution-title">
          {e.workflow} <StatusBadge status={e.status} />
        </h1>
        <ExecutionActions execution={e} />
      </div>
      <dl className="facts">
        <dt>Org</dt>
        <dd>{e.org?.name ?? "Global"}</dd>
        <dt>Started</dt>
        <dd>{formatWhen(e.startedAt)}</dd>
        <dt>Finished</dt>
        <dd>{formatWhen(e.finishedAt)}</dd>
        <dt>Duration</dt>
        <dd>
          {e.durationMs === null && e.startedAt && isActive(e.status) ? (
            <Elapsed since={e.startedAt} running />
          ) : (
            formatDuration(e.durationMs)
          )}
        </dd>
        <dt>Attempts</dt>
        <dd>{e.attempts}</dd>
        <dt>Started by</dt>
        <dd>
          {e.createdBy} ({e.trigger})
        </dd>
        <dt>Worker</dt>
        <dd>{e.workerId ?? "—"}</dd>
        <dt>Id</dt>
        <dd>
          <code>{e.id}</code>
        </dd>
      </dl>
      <h2>Params</h2>
      <pre className="code-block">{JSON.stringify(e.params, null, 2)}</pre>
      {e.result !== null && e.result !== undefined && (
        <>
          <h2>Result</h2>
          <pre className="code-block">{JSON.stringify(e.result, null, 2)}</pre>
        </>
      )}
      {e.status === "cancelled" ? (
        <CancelledNote execution={e} />
      ) : (
        e.error && (
          <>
            <h2>Error</h2>
            <pre className="code-block error-block">{e.error}</pre>
          </>
        )
      )}
      <LiveLogs
        key={e.id}
        executionId={e.id}
        initial={e.logs ?? []}
        status={e.status}
        onStatus={(status) => {
          if (status !== e.status) void queryClient.invalidateQueries({ queryKey: ["execution", id] });
        }}
      />
    </section>
  );
}
