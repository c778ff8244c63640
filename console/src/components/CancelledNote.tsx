import type { Execution } from "../api";
import { formatWhen } from "./format";

/** A cancelled run says who cancelled it; the stored error (an AbortError's stack) stays folded away. */
export function CancelledNote({ execution: e }: { execution: Execution }) {
  return (
    <>
      <h2>Cancelled</h2>
      <p className="cancelled-note">
        Cancelled
        {e.cancelledBy ? (
          <>
            {" "}
            by <strong>{e.cancelledBy}</strong>
          </>
        ) : (
          ""
        )}
        {e.finishedAt ? ` at ${formatWhen(e.finishedAt)}` : ""}.
      </p>
      {e.error && (
        <details>
          <summary>Technical details</summary>
          <pre className="code-block error-block">{e.error}</pre>
        </details>
      )}
    </>
  );
}
