import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "react-router";
import { api, query, type Execution, type Schedule } from "../api";
import { Dialog } from "./Dialog";
import { formatWhen } from "./format";
import { ScheduleForm } from "./ScheduleForm";
import { StatusBadge, isActive } from "./StatusBadge";

/** A workflow's schedules (next and last run, pause, resume, delete) and the runs they started lately. */
export function SchedulesPanel({ workflow }: { workflow: string }) {
  const queryClient = useQueryClient();
  const [adding, setAdding] = useState(false);
  const [deleting, setDeleting] = useState<Schedule | null>(null);
  const [error, setError] = useState<string | null>(null);
  const schedules = useQuery({
    queryKey: ["schedules", workflow],
    queryFn: () => api<Schedule[]>("GET", `/api/schedules${query({ workflow })}`),
    // Next and last runs move as schedules fire.
    refetchInterval: 5_000,
  });
  const runs = useQuery({
    queryKey: ["executions", { workflow, trigger: "schedule" }],
    queryFn: () => api<Execution[]>("GET", `/api/executions${query({ workflow, trigger: "schedule", limit: "10" })}`),
    refetchInterval: (q) => ((q.state.data ?? []).some((e) => isActive(e.status)) ? 1_500 : 5_000),
  });
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: ["schedules", workflow] }),
      queryClient.invalidateQueries({ queryKey: ["executions"] }),
    ]);
  async function change(schedule: Schedule, action: () => Promise<unknown>) {
    setError(null);
    try {
      await action();
      await refresh();
    } catch (e) {
      setError(`${schedule.cron}: ${(e as Error).message}`);
    }
  }

  return (
    <section aria-labelledby="schedules-title">
      <div className="page-head">
        <h2 id="schedules-title">Schedules</h2>
        <button type="button" onClick={() => setAdding(true)}>
          + Add schedule
        </button>
      </div>
      {error && (
        <p role="alert" className="field-error">
          {error}
        </p>
      )}
      {schedules.isError ? (
        <p role="alert" className="page-error">
          {(schedules.error as Error).message}
        </p>
      ) : !schedules.data ? (
        <p className="loading">Loading…</p>
      ) : schedules.data.length === 0 ? (
        <p className="empty">No schedules: this workflow runs only when asked.</p>
      ) : (
        <div className="table-wrap">
          <table aria-label="Schedules">
            <thead>
              <tr>
                <th scope="col">Cron</th>
                <th scope="col">Time zone</th>
                <th scope="col">Org</th>
                <th scope="col">State</th>
                <th scope="col">Next run</th>
                <th scope="col">Last run</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {schedules.data.map((s) => (
                <tr key={s.id} data-schedule={s.id}>
                  <th scope="row">
                    <code>{s.cron}</code>
                  </th>
                  <td>{s.timezone}</td>
                  <td>{s.org?.name ?? "Global"}</td>
                  <td>
                    <span className={`badge ${s.enabled ? "badge-org" : "badge-global"}`}>
                      {s.enabled ? "enabled" : "paused"}
                    </span>
                    {s.overlap === "allow" && <span className="muted"> (overlap allowed)</span>}
                  </td>
                  <td className="when">{formatWhen(s.nextRunAt)}</td>
                  <td className="when">
                    {s.lastExecutionId ? (
                      <Link to={`/executions/${s.lastExecutionId}`}>{formatWhen(s.lastRunAt)}</Link>
                    ) : (
                      "—"
                    )}
                  </td>
                  <td className="row-actions">
                    <button
                      type="button"
                      onClick={() => change(s, () => api("PATCH", `/api/schedules/${s.id}`, { enabled: !s.enabled }))}
                      aria-label={`${s.enabled ? "Pause" : "Resume"} schedule ${s.cron}`}
                    >
                      {s.enabled ? "Pause" : "Resume"}
                    </button>
                    <button
                      type="button"
                      className="danger"
                      onClick={() => setDeleting(s)}
                      aria-label={`Delete schedule ${s.cron}`}
                    >
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h3>Recent scheduled runs</h3>
      {runs.data?.length ? (
        <div className="table-wrap">
          <table aria-label="Recent scheduled runs">
            <thead>
              <tr>
                <th scope="col">Started</th>
                <th scope="col">Org</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {runs.data.map((e) => (
                <tr key={e.id}>
                  <th scope="row">
                    <Link to={`/executions/${e.id}`}>{formatWhen(e.startedAt ?? e.createdAt)}</Link>
                  </th>
                  <td>{e.org?.name ?? "Global"}</td>
                  <td>
                    <StatusBadge status={e.status} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="empty">{runs.data ? "No scheduled runs yet." : "Loading…"}</p>
      )}

      <Dialog title="Add a schedule" open={adding} onClose={() => setAdding(false)}>
        {adding && (
          <ScheduleForm
            workflow={workflow}
            onCreated={() => {
              setAdding(false);
              void refresh();
            }}
          />
        )}
        <button type="button" className="close" onClick={() => setAdding(false)}>
          Cancel
        </button>
      </Dialog>
      <Dialog title="Delete this schedule?" open={deleting !== null} onClose={() => setDeleting(null)}>
        {deleting && (
          <>
            <p>
              <code>{deleting.cron}</code> ({deleting.timezone}) stops firing. Runs it started stay.
            </p>
            <div className="actions">
              <button
                type="button"
                className="danger"
                onClick={() => {
                  const target = deleting;
                  setDeleting(null);
                  void change(target, () => api("DELETE", `/api/schedules/${target.id}`));
                }}
              >
                Delete schedule
              </button>
              <button type="button" onClick={() => setDeleting(null)}>
                Cancel
              </button>
            </div>
          </>
        )}
      </Dialog>
    </section>
  );
}
