import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { api, query } from "../api";
import type { McpClientConfig } from "../../../src/mcp/mcp-config-view.ts";

const CLIENTS = [
  { id: "cursor", label: "Cursor" },
  { id: "claude", label: "Claude Code" },
  { id: "vscode", label: "VS Code" },
] as const;

/** The org's MCP endpoint and the JSON an AI client needs to use its tool workflows. */
export function McpPanel({ scope, scopeName }: { scope: string; scopeName: string }) {
  const [client, setClient] = useState<string>("cursor");
  const [copied, setCopied] = useState(false);
  const snippet = useQuery({
    queryKey: ["mcp-config", scope, client],
    queryFn: () => api<McpClientConfig>("GET", `/api/mcp/config${query({ scope, client })}`),
  });
  const json = snippet.data ? JSON.stringify(snippet.data.config, null, 2) : "";

  async function copy() {
    await navigator.clipboard?.writeText(json).catch(() => undefined);
    setCopied(true);
  }

  return (
    <section aria-labelledby="mcp-title" className="mcp-panel">
      <div className="page-head">
        <h2 id="mcp-title">MCP</h2>
        <div className="field">
          <label htmlFor="mcp-client">Client</label>
          <select
            id="mcp-client"
            value={client}
            onChange={(e) => {
              setClient(e.target.value);
              setCopied(false);
            }}
          >
            {CLIENTS.map((c) => (
              <option key={c.id} value={c.id}>
                {c.label}
              </option>
            ))}
          </select>
        </div>
      </div>
      {snippet.isError ? (
        <p role="alert" className="page-error">
          {(snippet.error as Error).message}
        </p>
      ) : !snippet.data ? (
        <p className="loading">Loading…</p>
      ) : (
        <>
          <p>
            AI agents use the tool workflows of <strong>{scopeName}</strong> at{" "}
            <code aria-label="MCP URL">{snippet.data.url}</code> with a bearer token of this org.
            {snippet.data.userConfigHeaders.length > 0 && (
              <>
                {" "}
                Each person also sends their own <code>{snippet.data.userConfigHeaders.join(", ")}</code> header values.
              </>
            )}
          </p>
          <p className="muted">
            Put this in <code>{snippet.data.file}</code>:
          </p>
          <pre aria-label="MCP client config">{json}</pre>
          <button type="button" onClick={() => void copy()}>
            {copied ? "Copied" : "Copy"}
          </button>
        </>
      )}
    </section>
  );
}
