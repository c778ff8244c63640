import { useState, type FormEvent } from "react";
import { api, query, type WebhookWithSecret } from "../api";
import { ScopeSelect, useDefaultScope } from "./ScopeSelect";

/** Creates a webhook of `workflow`; its secret is then shown once (SecretShownOnce). */
export function WebhookForm({
  workflow,
  onCreated,
}: {
  workflow: string;
  onCreated: (webhook: WebhookWithSecret) => void;
}) {
  const [scope, setScope] = useState(useDefaultScope());
  const [description, setDescription] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onCreated(
        await api<WebhookWithSecret>("POST", `/api/webhooks${query({ scope })}`, {
          workflow,
          description: description.trim() || null,
        }),
      );
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} noValidate>
      <ScopeSelect id="webhook-scope" value={scope} onChange={setScope} />
      <div className="field">
        <label htmlFor="webhook-description">Description</label>
        <input
          id="webhook-description"
          value={description}
          onChange={(e) => setDescription(e.target.value)}
          placeholder="what sends to it"
        />
      </div>
      {error && (
        <p role="alert" className="field-error">
          {error}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? "Creating…" : "Create webhook"}
        </button>
      </div>
    </form>
  );
}

/** A webhook's URL and signing secret, right after it was made: the secret is not shown again. */
export function SecretShownOnce({ webhook }: { webhook: WebhookWithSecret }) {
  return (
    <div className="shown-once">
      <p role="status">
        Copy the signing secret now: it is shown this once. The sender signs each delivery with it (Standard Webhooks).
      </p>
      <div className="field">
        <label htmlFor="webhook-url">URL</label>
        <input id="webhook-url" className="code" readOnly value={webhook.url} onFocus={(e) => e.target.select()} />
      </div>
      <div className="field">
        <label htmlFor="webhook-secret">Signing secret</label>
        <input
          id="webhook-secret"
          className="code"
          readOnly
          value={webhook.secret}
          onFocus={(e) => e.target.select()}
        />
      </div>
    </div>
  );
}
