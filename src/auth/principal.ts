/**
 * Who is acting. `actor` is what audit rows and `updatedBy` record.
 * - admin: an admin token; everything.
 * - org: an org token; only its own org (plus read-through to global values via the cascade).
 * - system: the platform itself, acting for a local operator (CLI commands on the database) or
 *   for a workflow execution.
 * A token principal with `readOnly` reads what its kind may read and changes nothing
 * (`assertMethodAllowed` in access-policy.ts).
 */
export type Principal =
  | { kind: "admin"; actor: string; tokenId: string; readOnly: boolean }
  | { kind: "org"; actor: string; tokenId: string; orgId: string; readOnly: boolean }
  | { kind: "system"; actor: string };

export function systemPrincipal(actor: string): Principal {
  return { kind: "system", actor };
}
