import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import { useSearchParams } from "react-router";
import { api, apiLinked, canonicalKey, query, type Config, type ConfigMatrix } from "../api";
import { ConfigForm } from "../components/ConfigForm";
import { ConfigMatrixView } from "../components/ConfigMatrixView";
import { Dialog } from "../components/Dialog";
import { McpPanel } from "../components/McpPanel";
import { DownloadBundle } from "../components/DownloadBundle";
import { ImportConfigs } from "../components/ImportConfigs";
import { formatValue, formatWhen, MASK } from "../components/format";
import { TOAST_MS, useToast } from "../components/Toasts";
import { describeError } from "../error-messages";
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
  const [changed, setChanged] = useState<string | null>(null);
  const toast = useToast();
  const queryClient = useQueryClient();

  const isOrg = scope !== "global";
  const compare = isAdmin && params.get("view") === "compare";
  // The global view says which orgs override each key (admins only), from the matrix's largest page
  // of orgs: past it the list ends with "…" rather than reading every page of a huge install.
  const matrix = useQuery({
    queryKey: ["config-matrix", "overrides"],
    queryFn: () => apiLinked<ConfigMatrix>("/api/config-matrix?limit=1000"),
    enabled: isAdmin && !isOrg,
  });
  const overriddenIn = (key: string) => {
    const page = matrix.data;
    const row = page?.body.keys.find((k) => k.key === key);
    if (!page || !row) return [];
    const names = page.body.orgs.filter((org) => row.orgs[org.id]).map((org) => org.name);
    return page.next && names.length ? [...names, "…"] : names;
  };
  const configs = useQuery({
    queryKey: ["configs", scope],
    queryFn: () => api<Config[]>("GET", `/api/configs${query({ scope, effective: isOrg ? "true" : undefined })}`),
  });
  const rows = useMemo(
    () =>
      (configs.data ?? []).filter(
        (c) =>
          c.key.includes(search.trim().toLowerCase().replace(/[-. ]/g, "_")) &&
          (typeFilter === "" || c.type === typeFilter),
      ),
    [configs.data, search, typeFilter],
  );

  // The row just saved is highlighted for a moment, so the eye finds it in a long table.
  useEffect(() => {
    if (!changed) return;
    const timer = setTimeout(() => setChanged(null), TOAST_MS);
    return () => clearTimeout(timer);
  }, [changed]);

  const refresh = (message: string, key?: string) => {
    toast(message);
    setChanged(key ?? null);
    void queryClient.invalidateQueries({ queryKey: ["configs"] });
    void queryClient.invalidateQueries({ queryKey: ["config-matrix"] });
  };

  /** "Edit instead" from the add dialog: the existing row of that key in that scope. */
  async function editInstead(rawKey: string, target: string) {
    const key = canonicalKey(rawKey);
    const list = await queryClient.fetchQuery({
      queryKey: ["configs", target, "own"],
      queryFn: () => api<Config[]>("GET", `/api/configs${query({ scope: target })}`),
    });
    const found = list.find((c) => c.key === key);
    if (found) setEditing({ mode: "edit", config: found });
  }

  return (
    <section aria-labelledby="config-title">
      <div className="page-head">
        <div>
          <p className="crumb">Settings</p>
          <h1 id="config-title">Configuration</h1>
        </div>
        <div className="actions">
          <DownloadBundle scope={scope} scopeName={orgName(scope)} />
          <ImportConfigs scope={scope} scopeName={orgName(scope)} />
          <button
            type="button"
            className="primary"
            onClick={() => setEditing({ mode: "add" })}
            data-shortcut="new"
            aria-keyshortcuts="n"
          >
            + Add Config
          </button>
        </div>
      </div>

      <div className="filters" role="search">
        <div className="field">
          <label htmlFor="scope-switch">Scope</label>
          <select
            id="scope-switch"
            value={scope}
            onChange={(e) => setParams({ scope: e.target.value })}
            disabled={compare}
          >
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
          <input
            id="key-search"
            type="search"
            data-shortcut="search"
            aria-keyshortcuts="/"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            placeholder="e.g. stripe"
          />
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

      {isAdmin && (
        <div className="view-switch" role="group" aria-label="View">
          <button type="button" aria-pressed={!compare} onClick={() => setParams({ scope })}>
            Table
          </button>
          <button type="button" aria-pressed={compare} onClick={() => setParams({ scope, view: "compare" })}>
            Compare orgs
          </button>
        </div>
      )}

      {isOrg && !compare && (
        <p className="muted">
          Showing what workflows running for <strong>{orgName(scope)}</strong> read: the org's own values, and global
          values where the org has none.
        </p>
      )}

      {compare ? (
        <ConfigMatrixView search={canonicalKey(search)} />
      ) : configs.isError ? (
        <p role="alert" className="page-error">
          {describeError(configs.error)}
        </p>
      ) : configs.isLoading ? (
        <p className="loading">Loading…</p>
      ) : rows.length === 0 ? (
        <p className="empty">
          {configs.data?.length
            ? "No config matches the search or type: clear them to see every key."
            : `No configs in ${orgName(scope)} yet. Add one with “+ Add Config”${isOrg ? "; workflows of this org then read it instead of the global value" : ""}.`}
        </p>
      ) : (
        <div className="table-wrap">
          <table aria-label={`Configs of ${orgName(scope)}`} className="cards">
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
                  <tr key={c.key} data-key={c.key} className={changed === c.key ? "changed" : undefined}>
                    <th scope="row">
                      <code>{c.key}</code>
                    </th>
                    <td data-label="Type">
                      <span className={`type type-${c.type}`}>{c.type}</span>
                    </td>
                    <td className="value" data-label="Value">
                      {c.type === "secret" ? (
                        <span aria-label={c.hasValue ? "secret value hidden" : "secret without a value"}>
                          {c.hasValue ? MASK : <em>no value yet</em>}
                        </span>
                      ) : (
                        <code>{formatValue(c)}</code>
                      )}
                    </td>
                    <td data-label={isOrg ? "From" : "Scope"}>
                      {isOrg ? (
                        <>
                          <span className={`badge ${inherited ? "badge-global" : "badge-org"}`}>
                            {inherited ? "Global" : c.shadowsGlobal ? "Org override" : "Org"}
                          </span>
                          {c.shadowed && (
                            <span className="shadowed">
                              hides global:{" "}
                              {c.shadowed.type === "secret" ? (
                                <em>secret ({c.shadowed.hasValue ? "set" : "no value"})</em>
                              ) : (
                                <code>{formatValue(c.shadowed)}</code>
                              )}
                            </span>
                          )}
                        </>
                      ) : (
                        <>
                          {orgName(c.scope)}
                          {overriddenIn(c.key).length > 0 && (
                            <span className="overridden-in">overridden in {overriddenIn(c.key).join(", ")}</span>
                          )}
                        </>
                      )}
                    </td>
                    <td data-label="Description">{c.description ?? <span className="muted">—</span>}</td>
                    <td data-label="Last updated">
                      <span className="when">{formatWhen(c.updatedAt)}</span>
                      <span className="muted"> by {c.updatedBy}</span>
                    </td>
                    <td className="row-actions">
                      {inherited ? (
                        <button
                          type="button"
                          onClick={() => setEditing({ mode: "add", preset: c })}
                          aria-label={`Override ${c.key} in ${orgName(scope)}`}
                        >
                          Override
                        </button>
                      ) : (
                        <>
                          <button
                            type="button"
                            onClick={() => setEditing({ mode: "edit", config: c })}
                            aria-label={`Edit ${c.key}`}
                          >
                            Edit
                          </button>
                          <button
                            type="button"
                            className="danger"
                            onClick={() => setDeleting(c)}
                            aria-label={`Delete ${c.key}`}
                          >
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

      <Dialog
        title={
          editing?.mode === "edit"
            ? `Edit ${editing.config.key}${editing.config.scope === "global" ? "" : ` in ${orgName(editing.config.scope)}`}`
            : editing?.preset
              ? `Override ${editing.preset.key} in ${orgName(scope)}`
              : "Add config"
        }
        open={editing !== null}
        onClose={() => setEditing(null)}
      >
        {editing && (
          <ConfigForm
            key={editing.mode === "edit" ? `edit:${editing.config.scope}:${editing.config.key}` : "add"}
            scope={editing.mode === "edit" ? editing.config.scope : scope}
            onEditInstead={(key, target) => void editInstead(key, target)}
            existing={editing.mode === "edit" ? editing.config : undefined}
            preset={editing.mode === "add" ? editing.preset : undefined}
            onDone={(saved) => {
              setEditing(null);
              refresh(`Saved ${saved.key}.`, saved.key);
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

function DeleteConfirmation({
  config,
  scope,
  scopeName,
  onCancel,
  onDeleted,
}: {
  config: Config;
  scope: string;
  scopeName: string;
  onCancel: () => void;
  onDeleted: () => void;
}) {
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
      setError(describeError(caught));
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
