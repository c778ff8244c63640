import type { StoredLogEntry } from "./execution-log-store.ts";
import type { ExecutionSignals } from "./execution-signals.ts";
import { isFinal } from "./execution-status.ts";
import type { LogPage } from "./log-page-view.ts";

/** What a follower of a run is told: a stored line, or the run's status (when it changes). */
export type FollowEvent = { event: "log"; entry: StoredLogEntry } | { event: "status"; status: string };

/** Lines read at once while catching up. */
const FOLLOW_PAGE = 500;
/** Pub/sub may drop a notice: the database is read this often anyway. */
export const FOLLOW_POLL_MS = 1_000;

/**
 * A run's lines after seq `after` and its status changes, until it has ended (or `signal` aborts).
 * The database is the truth: a notice (lines stored, run ended: Redis pub/sub, heard by every API
 * process, whichever worker runs it) only wakes the next read, and without one it reads every
 * FOLLOW_POLL_MS. Each read takes the status before the lines, so once the status is final the
 * lines read after it are the last (a worker stores every line before the run's end).
 */
export async function* followExecution(
  id: string,
  after: number,
  read: (after: number, limit: number) => Promise<LogPage>,
  signals: ExecutionSignals,
  signal: AbortSignal,
): AsyncGenerator<FollowEvent> {
  let woken: boolean;
  let wake = () => {
    woken = true;
  };
  const notice = () => wake();
  const stops = [signals.onLogs(id, notice), signals.onFinished(id, notice)];
  signal.addEventListener("abort", notice, { once: true });
  let lastStatus: string | null = null;
  try {
    while (!signal.aborted) {
      woken = false;
      const page = await read(after, FOLLOW_PAGE);
      for (const entry of page.logs) {
        yield { event: "log", entry };
        after = entry.seq;
      }
      if (page.status !== lastStatus) {
        lastStatus = page.status;
        yield { event: "status", status: page.status };
      }
      if (page.logs.length === FOLLOW_PAGE) continue;
      if (isFinal(page.status)) return;
      if (woken) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, FOLLOW_POLL_MS);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = () => {
        woken = true;
      };
    }
  } finally {
    for (const stop of stops) stop();
    signal.removeEventListener("abort", notice);
  }
}
