import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { NavLink, Outlet, useNavigate } from "react-router";
import { api, tokenStore } from "../api";
import { useSession } from "../session";
import { broadcastSignOut } from "../session-handoff";
import { useShortcuts } from "./useShortcuts";

export function Layout() {
  const { session, isAdmin } = useSession();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  // Under 720 px the navigation folds behind a Menu button (styles/phone.css); picking a page folds it again.
  const [menuOpen, setMenuOpen] = useState(false);
  useShortcuts();
  const close = () => setMenuOpen(false);

  async function signOut() {
    await api("DELETE", "/api/session/queues-cookie").catch(() => undefined);
    tokenStore.clear();
    broadcastSignOut();
    queryClient.clear();
    navigate("/sign-in", { replace: true });
  }

  async function openQueues() {
    // The dashboard is a page of its own: it gets the token as an HttpOnly cookie for its path only.
    await api("POST", "/api/session/queues-cookie");
    window.open("/admin/queues", "_blank", "noopener");
  }

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">Bifrost</span>
        <button
          type="button"
          className="menu-toggle"
          aria-expanded={menuOpen}
          aria-controls="main-nav"
          onClick={() => setMenuOpen(!menuOpen)}
        >
          Menu
        </button>
        <nav aria-label="Main" id="main-nav" className={menuOpen ? "open" : undefined}>
          <NavLink to="/settings/configuration" onClick={close}>
            Configuration
          </NavLink>
          <NavLink to="/workflows" onClick={close}>
            Workflows
          </NavLink>
          <NavLink to="/executions" onClick={close}>
            Executions
          </NavLink>
          <NavLink to="/audit" onClick={close}>
            Audit
          </NavLink>
          <NavLink to="/settings/tokens" onClick={close}>
            Tokens
          </NavLink>
          {isAdmin && (
            <button type="button" className="link" onClick={openQueues}>
              Queues
            </button>
          )}
          <a href="/api/openapi.json" target="_blank" rel="noreferrer">
            API reference
          </a>
        </nav>
        <span className="who" title={session.actor}>
          {isAdmin ? "Admin" : `Org: ${session.org?.name}`}
        </span>
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}
