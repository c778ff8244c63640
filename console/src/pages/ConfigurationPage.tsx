import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { useSearchParams } from "react-router";
import { api, query, type Config } from "../api";
import { ConfigForm } from "../components/ConfigForm";
import { Dialog } from "../components/Dialog";
import { McpPanel } from "../components/McpPanel";
import { formatValue, formatWhen, MASK } from "../components/format";
import { useSession } from "../session";

type Editing = { mode: "add"; preset?: Config } | { mode: "edit"; config: Config } | null;

/**
 * Settings → Configuration. For an org, the table shows the effective value of every key and
 * where it comes from (the org's own value, or global), which is the cascade at a glance.
 */
export function ConfigurationPage() {
  const { isAdmin, orgs, session, orgName } = useSession();
  const [params, setParams] = useSearchParams();
  const scope = params.get("scope") ?? (isAdmin ? "global" : session.org!.id);
  const [search, setSearch] = useState("");
  const [typeFilter, setTypeFilter] = useState("");
  const [editing, setEditing] = useState<Editing>(null);
  const [deleting, setDeleting] = useState<Config | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const queryClient = useQueryClient();

  const isOrg = scope !== "global";
  const configs = useQuery({
    queryKey: ["configs", scope],
    queryFn: () => api<Config[]>("GET", `/api/configs${query({ scope, effective: isOrg ? "true" : undefined })}`),
  });
  const rows = useMemo(
    () => (configs.data ?? []).filter((c) => c.key.includes(search.trim().toLowerCase().replace(/[-. ]/g, "_")) && (typeFilter === "" || c.type === typeFilter)),
    [configs.data, search, typeFilter],
  );

  const refresh = (message: string) => {
    setNotice(message);
    void queryClient.invalidateQueries({ queryKey: ["configs"] });
  };

  return (
    <section aria-labelledby="config-title">
      <div className="page-head">
        <div>
          <p className="crumb">Settings</p>
          <h1 id="config-title">Configuration</h1>
        </div>
        <button type="button" className="primary" onClick={() => setEditing({ mode: "add" })}>
          + Add Config
        </button>
      </div>

      <div className="filters" role="search">
        <div className="field">
          <label htmlFor="scope-switch">Scope</label>
          <select id="scope-switch" value={scope} onChange={(e) => setParams({ scope: e.target.value })}>
            {isAdmin && <option value="global">Global</option>}
            {orgs.map((org) => (
              <option key={org.id} value={org.id}>
                {org.name} (effective)
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="key-search">Search by key</label>
          <input id="key-search" type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="e.g. stripe" />
        </div>
        <div className="field">
          <label htmlFor="type-filter">Type</label>
          <select id="type-filter" value={typeFilter} onChange={(e) => setTypeFilter(e.target.value)}>
            <option value="">All types</option>
            {["string", "int", "bool", "json", "secret"].map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </div>
      </div>

      {isOrg && <p className="muted">Showing what workflows running for <strong>{orgName(scope)}</strong> read: the org's own values, and global values where the org has none.</p>}
      <p role="status" className="notice">
        {notice}
      </p>

      {configs.isError ? (
        <p role="alert" className="page-error">
          {(configs.error as Error).message}
        </p>
      ) : configs.isLoading ? (
        <p className="loading">Loading…</p>
      ) : rows.length === 0 ? (
        <p className="empty">{configs.data?.length ? "No config matches." : "No configs in this scope yet."}</p>
      ) : (
        <div className="table-wrap">
          <table aria-label={`Configs of ${orgName(scope)}`}>
            <thead>
              <tr>
                <th scope="col">Key</th>
                <th scope="col">Type</th>
                <th scope="col">Value</th>
                <th scope="col">{isOrg ? "From" : "Scope"}</th>
                <th scope="col">Description</th>
                <th scope="col">Last updated</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((c) => {
                const inherited = isOrg && c.resolvedFrom === "global";
                return (
                  <tr key={c.key} data-key={c.key}>
                    <th scope="row">
                      <code>{c.key}</code>
                    </th>
                    <td>
                      <span className={`type type-${c.type}`}>{c.type}</span>
                    </td>
                    <td className="value">
                      {c.type === "secret" ? <span aria-label={c.hasValue ? "secret value hidden" : "secret without a value"}>{c.hasValue ? MASK : <em>no value yet</em>}</span> : <code>{formatValue(c)}</code>}
                    </td>
                    <td>
                      {isOrg ? (
                        <span className={`badge ${inherited ? "badge-global" : "badge-org"}`}>{inherited ? "Global" : c.shadowsGlobal ? "Org override" : "Org"}</span>
                      ) : (
                        orgName(c.scope)
                      )}
                    </td>
                    <td>{c.description ?? <span className="muted">—</span>}</td>
                    <td>
                      <span className="when">{formatWhen(c.updatedAt)}</span>
                      <span className="muted"> by {c.updatedBy}</span>
                    </td>
                    <td className="row-actions">
                      {inherited ? (
                        <button type="button" onClick={() => setEditing({ mode: "add", preset: c })} aria-label={`Override ${c.key} in ${orgName(scope)}`}>
                          Override
                        </button>
                      ) : (
                        <>
                          <button type="button" onClick={() => setEditing({ mode: "edit", config: c })} aria-label={`Edit ${c.key}`}>
                            Edit
                          </button>
                          <button type="button" className="danger" onClick={() => setDeleting(c)} aria-label={`Delete ${c.key}`}>
                            Delete
                          </button>
                        </>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}

      {isOrg && configs.isSuccess && <McpPanel scope={scope} scopeName={orgName(scope)} />}

      <Dialog title={editing?.mode === "edit" ? `Edit ${editing.config.key}` : "Add config"} open={editing !== null} onClose={() => setEditing(null)}>
        {editing && (
          <ConfigForm
            scope={scope}
            existing={editing.mode === "edit" ? editing.config : undefined}
            preset={editing.mode === "add" ? editing.preset : undefined}
            onDone={(saved) => {
              setEditing(null);
              refresh(`Saved ${saved.key}.`);
            }}
          />
        )}
        <button type="button" className="close" onClick={() => setEditing(null)}>
          Cancel
        </button>
      </Dialog>

      <Dialog title={`Delete ${deleting?.key ?? ""}?`} open={deleting !== null} onClose={() => setDeleting(null)}>
        {deleting && (
          <DeleteConfirmation
            config={deleting}
            scope={scope}
            scopeName={orgName(scope)}
            onCancel={() => setDeleting(null)}
            onDeleted={() => {
              setDeleting(null);
              refresh(`Deleted ${deleting.key}.`);
            }}
          />
        )}
      </Dialog>
    </section>
  );
}

function DeleteConfirmation({ config, scope, scopeName, onCancel, onDeleted }: { config: Config; scope: string; scopeName: string; onCancel: () => void; onDeleted: () => void }) {
  const [error, setError] = useState<string | null>(null);
  const consequence =
    scope === "global"
      ? "Orgs without their own value will no longer find it."
      : config.shadowsGlobal
        ? `The global value will take over for ${scopeName}.`
        : `Workflows running for ${scopeName} will no longer find it (there is no global value).`;
  async function confirm() {
    try {
      await api("DELETE", `/api/configs/${encodeURIComponent(config.key)}${query({ scope })}`);
      onDeleted();
    } catch (caught) {
      setError((caught as Error).message);
    }
  }
  return (
    <>
      <p>
        Delete <code>{config.key}</code> from {scopeName}? {consequence}
      </p>
      {error && (
        <p role="alert" className="field-error">
          {error}
        </p>
      )}
      <div className="actions">
        <button type="button" className="danger" onClick={confirm} autoFocus>
          Delete
        </button>
        <button type="button" onClick={onCancel}>
          Keep it
        </button>
      </div>
    </>
  );
}
