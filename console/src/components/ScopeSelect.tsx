import { useSession } from "../session";

/** Where a new schedule or webhook acts: global (admins) or an org the token sees. */
export function ScopeSelect({ id, value, onChange }: { id: string; value: string; onChange: (scope: string) => void }) {
  const { orgs, isAdmin } = useSession();
  return (
    <div className="field">
      <label htmlFor={id}>Run for</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        {isAdmin && <option value="global">Global</option>}
        {orgs.map((org) => (
          <option key={org.id} value={org.id}>
            {org.name}
          </option>
        ))}
      </select>
    </div>
  );
}

/** The scope a new schedule or webhook starts with: global for admins, the token's org otherwise. */
export function useDefaultScope(): string {
  const { isAdmin, orgs } = useSession();
  return isAdmin ? "global" : (orgs[0]?.id ?? "");
}
