import { useQueryClient } from "@tanstack/react-query";
import { useState, useSyncExternalStore } from "react";
import { connection } from "../api";

/** Shown while the API cannot be reached: says so in words and retries what failed. */
export function ConnectionBanner() {
  const down = useSyncExternalStore(connection.subscribe, () => connection.down);
  const queryClient = useQueryClient();
  const [retrying, setRetrying] = useState(false);
  if (!down) return null;
  async function retry() {
    setRetrying(true);
    try {
      await queryClient.refetchQueries({ type: "active" });
    } finally {
      setRetrying(false);
    }
  }
  return (
    <div className="banner" role="alert">
      <span>
        The Bifrost API cannot be reached: the server may be down or restarting. What you see may be out of date.
      </span>
      <button type="button" onClick={retry} disabled={retrying}>
        {retrying ? "Retrying…" : "Retry"}
      </button>
    </div>
  );
}
