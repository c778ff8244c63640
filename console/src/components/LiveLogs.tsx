import { useEffect, useState } from "react";
import type { ExecutionStatus } from "../api";
import { useLiveLogs, type LogLine } from "../live-logs";
import { isActive } from "./StatusBadge";

/**
 * An execution's logs, as they are stored: followed live (Server-Sent Events) while the run goes.
 * @param onStatus called when the stream reports a new status (the page re-reads the execution)
 */
export function LiveLogs({
  executionId,
  initial,
  status,
  onStatus,
}: {
  executionId: string;
  initial: LogLine[];
  status: ExecutionStatus;
  onStatus: (status: ExecutionStatus) => void;
}) {
  const live = useLiveLogs(executionId, initial);
  useEffect(() => {
    if (live.status) onStatus(live.status);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [live.status]);
  const lines = live.lines.length >= initial.length ? live.lines : initial;
  const active = isActive(live.status ?? status);
  return (
    <>
      <h2>
        Logs{" "}
        {active && (
          <span className="live-badge" aria-label={live.connected ? "Live" : "Reconnecting"}>
            {live.connected ? "live" : "reconnecting…"}
          </span>
        )}
      </h2>
      {lines.length ? (
        <div className="table-wrap">
          <table aria-label="Logs" className="logs">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Level</th>
                <th scope="col">Message</th>
              </tr>
            </thead>
            <tbody>
              {lines.map((line) => (
                <tr key={line.seq} className={`log-${line.level}`}>
                  <td>{new Date(line.at).toLocaleTimeString(undefined, { hour12: false })}</td>
                  <td>{line.level}</td>
                  <td>
                    <code>{line.message}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="empty">{active ? "No logs yet." : "No logs."}</p>
      )}
    </>
  );
}

/** Time since `since`, ticking every second while `running`. */
export function Elapsed({ since, running }: { since: string; running: boolean }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, [running]);
  const seconds = Math.max(0, Math.floor((now - Date.parse(since)) / 1_000));
  return (
    <span aria-label="Elapsed">
      {seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`}
    </span>
  );
}
