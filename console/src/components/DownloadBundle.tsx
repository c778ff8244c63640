import { useState } from "react";
import { api, query } from "../api";
import { describeError } from "../error-messages";

/**
 * Downloads a scope's portable bundle (GET /api/export?portable=true): keys, types, descriptions
 * and plain values; secrets as `"value": null`. Fetched with the token (a plain link could not
 * carry it), then saved from a blob.
 */
export function DownloadBundle({ scope, scopeName }: { scope: string; scopeName: string }) {
  const [error, setError] = useState<string | null>(null);
  async function download() {
    setError(null);
    try {
      const bundle = await api<unknown>("GET", `/api/export${query({ portable: "true", scope })}`);
      const url = URL.createObjectURL(new Blob([JSON.stringify(bundle, null, 2)], { type: "application/json" }));
      const link = document.createElement("a");
      link.href = url;
      link.download = `bifrost-${scopeName.toLowerCase().replace(/[^a-z0-9_-]+/g, "-")}-bundle.json`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (caught) {
      setError(describeError(caught));
    }
  }
  return (
    <>
      <button type="button" onClick={download}>
        Download bundle
      </button>
      {error && (
        <p role="alert" className="field-error">
          {error}
        </p>
      )}
    </>
  );
}
