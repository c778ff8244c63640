/** Where a config lives: at global scope, or in one org. */
export type Scope = { kind: "global" } | { kind: "org"; org: OrgRef };

export interface OrgRef {
  id: string;
  name: string;
}

export const GLOBAL_SCOPE: Scope = { kind: "global" };
export const GLOBAL = "global";

/** The scope column's value: "global" or the org's id. */
export function scopeId(scope: Scope): string {
  return scope.kind === "global" ? GLOBAL : scope.org.id;
}

export function orgScope(org: OrgRef): Scope {
  return { kind: "org", org: { id: org.id, name: org.name } };
}
