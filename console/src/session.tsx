import { useQuery } from "@tanstack/react-query";
import { createContext, useContext, type ReactNode } from "react";
import { api, type Org, type Session } from "./api";
import { describeError } from "./error-messages";

interface SessionValue {
  session: Session;
  isAdmin: boolean;
  /** Orgs this token can see: all for an admin, its own for an org token. */
  orgs: Org[];
  orgName(id: string): string;
}

const SessionContext = createContext<SessionValue | null>(null);

/** Loads who the token is and which orgs it sees; pages read it with useSession(). */
export function SessionProvider({ children }: { children: ReactNode }) {
  const session = useQuery({ queryKey: ["session"], queryFn: () => api<Session>("GET", "/api/session") });
  const orgs = useQuery({
    queryKey: ["orgs"],
    queryFn: () => api<Org[]>("GET", "/api/orgs"),
    enabled: session.isSuccess,
  });
  if (session.isError || orgs.isError) {
    return (
      <div role="alert" className="page-error">
        <p>Could not load your session. {describeError(session.error ?? orgs.error)}</p>
        <button type="button" onClick={() => void (session.isError ? session.refetch() : orgs.refetch())}>
          Retry
        </button>
      </div>
    );
  }
  if (!session.data || !orgs.data) return <p className="loading">Loading…</p>;
  const names = new Map(orgs.data.map((o) => [o.id, o.name]));
  const value: SessionValue = {
    session: session.data,
    isAdmin: session.data.kind === "admin",
    orgs: orgs.data,
    orgName: (id) => (id === "global" ? "Global" : (names.get(id) ?? id)),
  };
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error("useSession() outside <SessionProvider>");
  return value;
}
