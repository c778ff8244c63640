import { useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useLocation, useNavigate, useSearchParams } from "react-router";
import { ApiError, api, tokenStore, type Session } from "../api";
import { describeError } from "../error-messages";

export function SignInPage() {
  const [token, setToken] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [remember, setRemember] = useState(false);
  const navigate = useNavigate();
  const location = useLocation();
  const [params] = useSearchParams();
  const queryClient = useQueryClient();

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    tokenStore.set(token.trim(), { remember });
    try {
      await api<Session>("GET", "/api/session");
      queryClient.clear();
      navigate((location.state as { from?: string } | null)?.from ?? "/settings/configuration", { replace: true });
    } catch (caught) {
      tokenStore.clear();
      setError(
        caught instanceof ApiError && caught.status === 401
          ? "That token is not valid (or was revoked)."
          : describeError(caught),
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="sign-in">
      <form onSubmit={submit} aria-labelledby="sign-in-title" noValidate>
        <h1 id="sign-in-title">Bifrost</h1>
        <p className="muted">
          Sign in with an API token. It is kept in this browser's open tabs only, unless you ask to be remembered.
        </p>
        {params.get("expired") && <p role="status">Your session ended: sign in again.</p>}
        <label htmlFor="token">API token</label>
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="off"
          autoFocus
          required
          value={token}
          onChange={(e) => setToken(e.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? "token-error" : "token-help"}
        />
        <p id="token-help" className="hint">
          Create one with <code>npx bifrost tokens create --admin</code> or <code>--org &lt;name&gt;</code>.
        </p>
        {error && (
          <p id="token-error" className="field-error" role="alert">
            {error}
          </p>
        )}
        <label className="switch">
          <input type="checkbox" name="remember" checked={remember} onChange={(e) => setRemember(e.target.checked)} />
          <span>Remember on this device (until you sign out)</span>
        </label>
        <button type="submit" className="primary" disabled={busy || token.trim() === ""}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
