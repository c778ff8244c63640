import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useNavigate } from "react-router";
import { CONSOLE_TRIGGER, api, query, type Execution } from "../api";
import { describeError } from "../error-messages";
import { Dialog } from "./Dialog";
import { isActive } from "./StatusBadge";

/** "Run again" with the same params and scope, and "Cancel" behind a confirmation. */
export function ExecutionActions({ execution: e }: { execution: Execution }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function rerun() {
    setError(null);
    setBusy(true);
    try {
      const started = await api<Execution>(
        "POST",
        `/api/workflows/${encodeURIComponent(e.workflow)}/executions${query({ scope: e.scope })}`,
        { params: e.params ?? {} },
        CONSOLE_TRIGGER,
      );
      navigate(`/executions/${started.id}`);
    } catch (caught) {
      setError(describeError(caught));
    } finally {
      setBusy(false);
    }
  }

  async function cancel() {
    setConfirming(false);
    setError(null);
    try {
      queryClient.setQueryData(
        ["execution", e.id],
        await api<Execution>("POST", `/api/executions/${encodeURIComponent(e.id)}/cancel`),
      );
    } catch (caught) {
      setError(describeError(caught));
    }
  }

  return (
    <div className="actions execution-actions">
      <button type="button" onClick={rerun} disabled={busy}>
        Run again
      </button>
      {isActive(e.status) && (
        <button type="button" className="danger" onClick={() => setConfirming(true)}>
          Cancel
        </button>
      )}
      {error && (
        <p role="alert" className="field-error">
          {error}
        </p>
      )}
      <Dialog title="Cancel this run?" open={confirming} onClose={() => setConfirming(false)}>
        <p>
          <code>{e.workflow}</code> is told to stop (its <code>ctx.signal</code> aborts); what it did so far stays done.
        </p>
        <div className="actions">
          <button type="button" className="danger" onClick={cancel}>
            Cancel run
          </button>
          <button type="button" onClick={() => setConfirming(false)} data-autofocus>
            Keep running
          </button>
        </div>
      </Dialog>
    </div>
  );
}
