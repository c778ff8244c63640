import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api, query, type Webhook, type WebhookWithSecret } from "../api";
import { Dialog } from "./Dialog";
import { formatWhen } from "./format";
import { SecretShownOnce, WebhookForm } from "./WebhookForm";

/** A workflow's inbound webhooks: create (the secret shown once), rotate the secret, delete. */
export function WebhooksPanel({ workflow }: { workflow: string }) {
  const queryClient = useQueryClient();
  const [adding, setAdding] = useState(false);
  const [shown, setShown] = useState<WebhookWithSecret | null>(null);
  const [deleting, setDeleting] = useState<Webhook | null>(null);
  const [error, setError] = useState<string | null>(null);
  const webhooks = useQuery({
    queryKey: ["webhooks", workflow],
    queryFn: () => api<Webhook[]>("GET", `/api/webhooks${query({ workflow })}`),
  });
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ["webhooks", workflow] });

  async function act<T>(action: () => Promise<T>): Promise<T | undefined> {
    setError(null);
    try {
      const result = await action();
      refresh();
      return result;
    } catch (e) {
      setError((e as Error).message);
      return undefined;
    }
  }

  return (
    <section aria-labelledby="webhooks-title">
      <div className="page-head">
        <h2 id="webhooks-title">Webhooks</h2>
        <button type="button" onClick={() => setAdding(true)}>
          + Add webhook
        </button>
      </div>
      {error && (
        <p role="alert" className="field-error">
          {error}
        </p>
      )}
      {webhooks.isError ? (
        <p role="alert" className="page-error">
          {(webhooks.error as Error).message}
        </p>
      ) : !webhooks.data ? (
        <p className="loading">Loading…</p>
      ) : webhooks.data.length === 0 ? (
        <p className="empty">No webhooks: nothing outside can start this workflow with a signed POST.</p>
      ) : (
        <div className="table-wrap">
          <table aria-label="Webhooks">
            <thead>
              <tr>
                <th scope="col">URL</th>
                <th scope="col">Org</th>
                <th scope="col">Description</th>
                <th scope="col">Secret made</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {webhooks.data.map((w) => (
                <tr key={w.id} data-webhook={w.id}>
                  <th scope="row">
                    <code>{w.url}</code>
                  </th>
                  <td>{w.org?.name ?? "Global"}</td>
                  <td>{w.description ?? ""}</td>
                  <td className="when">{formatWhen(w.secretRotatedAt ?? w.createdAt)}</td>
                  <td className="row-actions">
                    <button
                      type="button"
                      aria-label={`Rotate the secret of webhook ${w.id}`}
                      onClick={async () => {
                        const rotated = await act(() =>
                          api<WebhookWithSecret>("POST", `/api/webhooks/${w.id}/rotate-secret`),
                        );
                        if (rotated) setShown(rotated);
                      }}
                    >
                      Rotate secret
                    </button>
                    <button
                      type="button"
                      className="danger"
                      aria-label={`Delete webhook ${w.id}`}
                      onClick={() => setDeleting(w)}
                    >
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <Dialog title="Add a webhook" open={adding} onClose={() => setAdding(false)}>
        {adding && (
          <WebhookForm
            workflow={workflow}
            onCreated={(created) => {
              setAdding(false);
              setShown(created);
              refresh();
            }}
          />
        )}
        <button type="button" className="close" onClick={() => setAdding(false)}>
          Cancel
        </button>
      </Dialog>
      <Dialog title="Webhook signing secret" open={shown !== null} onClose={() => setShown(null)}>
        {shown && <SecretShownOnce webhook={shown} />}
        <button type="button" className="close primary" onClick={() => setShown(null)}>
          Done, I have copied it
        </button>
      </Dialog>
      <Dialog title="Delete this webhook?" open={deleting !== null} onClose={() => setDeleting(null)}>
        {deleting && (
          <>
            <p>
              Deliveries to <code>{deleting.url}</code> get 404 from then on.
            </p>
            <div className="actions">
              <button
                type="button"
                className="danger"
                onClick={() => {
                  const target = deleting;
                  setDeleting(null);
                  void act(() => api("DELETE", `/api/webhooks/${target.id}`));
                }}
              >
                Delete webhook
              </button>
              <button type="button" onClick={() => setDeleting(null)}>
                Cancel
              </button>
            </div>
          </>
        )}
      </Dialog>
    </section>
  );
}
