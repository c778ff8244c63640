import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import type { CreatedToken, TokenView as Token } from "../../../src/auth/token-view.ts";
import { ApiError, api } from "../api";
import { Dialog } from "../components/Dialog";
import { ListState } from "../components/filters";
import { useToast } from "../components/Toasts";
import { When } from "../components/When";
import { describeError, describeIssue } from "../error-messages";
import { useSession } from "../session";

/** API tokens: list, create (the token is shown this once), revoke. An org token sees its org's. */
export function TokensPage() {
  const queryClient = useQueryClient();
  const toast = useToast();
  const tokens = useQuery({ queryKey: ["tokens"], queryFn: () => api<Token[]>("GET", "/api/tokens") });
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<Token | null>(null);

  async function revoke(token: Token) {
    setRevoking(null);
    try {
      await api("DELETE", `/api/tokens/${encodeURIComponent(token.id)}`);
      toast(`Revoked ${token.name}.`);
    } catch (error) {
      toast(describeError(error));
    }
    void queryClient.invalidateQueries({ queryKey: ["tokens"] });
  }

  return (
    <section aria-labelledby="tokens-title">
      <div className="page-head">
        <div>
          <p className="crumb">Settings</p>
          <h1 id="tokens-title">API tokens</h1>
        </div>
        <button
          type="button"
          className="primary"
          data-shortcut="new"
          aria-keyshortcuts="n"
          onClick={() => setCreating(true)}
        >
          + New token
        </button>
      </div>
      <ListState
        query={tokens}
        empty="No tokens yet. Create one with “+ New token” for a script, the CLI or a teammate."
      >
        {(rows) => (
          <div className="table-wrap">
            <table aria-label="Tokens" className="cards">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Access</th>
                  <th scope="col">Created</th>
                  <th scope="col">Last used</th>
                  <th scope="col">Expires</th>
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((t) => (
                  <tr key={t.id} data-token={t.name}>
                    <th scope="row">{t.name}</th>
                    <td data-label="Access">
                      {t.kind === "admin" ? "Admin" : `Org ${t.org?.name ?? ""}`}
                      {t.readOnly ? " · read-only" : ""}
                    </td>
                    <td data-label="Created">
                      <When at={t.createdAt} />
                    </td>
                    <td data-label="Last used">
                      {t.lastUsedAt ? <When at={t.lastUsedAt} /> : <span className="muted">never</span>}
                    </td>
                    <td data-label="Expires">
                      {t.revokedAt ? (
                        <span className="status status-cancelled">revoked</span>
                      ) : t.expiresAt ? (
                        <When at={t.expiresAt} />
                      ) : (
                        <span className="muted">never</span>
                      )}
                    </td>
                    <td className="row-actions">
                      {!t.revokedAt && (
                        <button
                          type="button"
                          className="danger"
                          aria-label={`Revoke ${t.name}`}
                          onClick={() => setRevoking(t)}
                        >
                          Revoke
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </ListState>

      <Dialog
        title={created ? "Copy the new token now" : "New token"}
        open={creating}
        onClose={() => {
          setCreating(false);
          setCreated(null);
        }}
      >
        {creating && !created && (
          <TokenForm
            onCreated={(token) => {
              setCreated(token);
              void queryClient.invalidateQueries({ queryKey: ["tokens"] });
            }}
          />
        )}
        {created && (
          <div className="shown-once">
            <label htmlFor="new-token">Token</label>
            <input id="new-token" readOnly value={created} onFocus={(e) => e.currentTarget.select()} data-autofocus />
            <p role="status">It is shown this once: only its hash is stored.</p>
          </div>
        )}
        <button
          type="button"
          className="close"
          onClick={() => {
            setCreating(false);
            setCreated(null);
          }}
        >
          {created ? "Done" : "Cancel"}
        </button>
      </Dialog>

      <Dialog title={`Revoke ${revoking?.name ?? ""}?`} open={revoking !== null} onClose={() => setRevoking(null)}>
        {revoking && (
          <>
            <p>Anything using this token gets 401 from its next request.</p>
            <div className="actions">
              <button type="button" className="danger" onClick={() => void revoke(revoking)}>
                Revoke
              </button>
              <button type="button" onClick={() => setRevoking(null)} data-autofocus>
                Keep it
              </button>
            </div>
          </>
        )}
      </Dialog>
    </section>
  );
}

function TokenForm({ onCreated }: { onCreated: (token: string) => void }) {
  const { isAdmin, orgs, session } = useSession();
  const [name, setName] = useState("");
  const [access, setAccess] = useState(isAdmin ? "admin" : session.org!.id);
  const [readOnly, setReadOnly] = useState(false);
  const [expiresIn, setExpiresIn] = useState("90d");
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    const body = {
      name,
      ...(access === "admin" ? { admin: true } : { org: access }),
      readOnly,
      ...(expiresIn ? { expiresIn } : {}),
    };
    try {
      onCreated((await api<CreatedToken>("POST", "/api/tokens", body)).token);
    } catch (caught) {
      const issue = caught instanceof ApiError ? caught.issues[0] : undefined;
      setError(issue ? describeIssue("name", issue.message) : describeError(caught));
    }
  }

  return (
    <form onSubmit={submit} noValidate>
      <div className="field">
        <label htmlFor="token-name">Name</label>
        <input
          id="token-name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder="e.g. ci-deploy"
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? "token-form-error" : undefined}
        />
      </div>
      <div className="field">
        <label htmlFor="token-access">Access</label>
        <select id="token-access" value={access} onChange={(e) => setAccess(e.target.value)}>
          {isAdmin && <option value="admin">Admin (everything)</option>}
          {orgs.map((org) => (
            <option key={org.id} value={org.id}>
              Org {org.name}
            </option>
          ))}
        </select>
      </div>
      <label className="switch">
        <input type="checkbox" checked={readOnly} onChange={(e) => setReadOnly(e.target.checked)} />
        <span>Read-only</span>
      </label>
      <div className="field">
        <label htmlFor="token-expires">Expires after</label>
        <select id="token-expires" value={expiresIn} onChange={(e) => setExpiresIn(e.target.value)}>
          <option value="1d">1 day</option>
          <option value="30d">30 days</option>
          <option value="90d">90 days</option>
          <option value="365d">365 days</option>
          <option value="">Never</option>
        </select>
      </div>
      {error && (
        <p id="token-form-error" role="alert" className="field-error">
          {error}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="primary">
          Create token
        </button>
      </div>
    </form>
  );
}
