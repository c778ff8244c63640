// The console's only way to the platform: the public HTTP API, with the token of this tab.

const TOKEN_KEY = "bifrost.token";

/**
 * The token lives in sessionStorage: this tab, gone when it closes (other tabs get it by handoff,
 * session-handoff.ts). Only when the user opts in to "remember on this device" is it also kept in
 * localStorage. Never in a cookie.
 */
export const tokenStore = {
  get: () => sessionStorage.getItem(TOKEN_KEY) ?? localStorage.getItem(TOKEN_KEY),
  set: (token: string, { remember = false }: { remember?: boolean } = {}) => {
    sessionStorage.setItem(TOKEN_KEY, token);
    if (remember) localStorage.setItem(TOKEN_KEY, token);
  },
  clear: () => {
    sessionStorage.removeItem(TOKEN_KEY);
    localStorage.removeItem(TOKEN_KEY);
  },
};

export interface Issue {
  path: string;
  message: string;
}

/** An API error: `code` is stable, `message` is for people, `issues` point at fields. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown,
  ) {
    super(message);
  }

  get issues(): Issue[] {
    return ((this.details as { issues?: Issue[] } | undefined)?.issues ?? []) as Issue[];
  }
}

/**
 * Whether the API answered the last request at all: false after a network failure (server down,
 * connection refused), true again at the next answer. The layout shows a banner with a retry.
 */
export const connection = {
  down: false,
  listeners: new Set<() => void>(),
  set(down: boolean) {
    if (down === this.down) return;
    this.down = down;
    for (const listener of this.listeners) listener();
  },
  subscribe(listener: () => void) {
    connection.listeners.add(listener);
    return () => void connection.listeners.delete(listener);
  },
};

/** The code of a request that never got an answer (no HTTP status). */
export const NETWORK_ERROR = "NETWORK_ERROR";

let onUnauthorized = () => {};
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

export async function api<T>(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  onResponse?: (response: Response) => void,
): Promise<T> {
  const token = tokenStore.get();
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    connection.set(true);
    throw new ApiError(
      0,
      NETWORK_ERROR,
      "The Bifrost API cannot be reached: the server may be down or restarting.",
      undefined,
    );
  }
  onResponse?.(response);
  // A proxy in front of a stopped server answers, but not with our JSON.
  const gatewayDown = response.status === 502 || response.status === 503 || response.status === 504;
  if (response.status === 204) {
    connection.set(false);
    return undefined as T;
  }
  const text = await response.text();
  let parsed: { error?: { code: string; message: string; details?: unknown } } | undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  connection.set(gatewayDown && !parsed?.error);
  if (!response.ok) {
    const error: { code: string; message: string; details?: unknown } = parsed?.error ?? {
      code: gatewayDown ? NETWORK_ERROR : "HTTP_ERROR",
      message: `The server answered HTTP ${response.status}.`,
    };
    if (response.status === 401) onUnauthorized();
    throw new ApiError(response.status, error.code, error.message, error.details);
  }
  return parsed as T;
}

/** One page of a list and the URL of the next (the `Link: <url>; rel="next"` header), if any. */
export async function apiPage<T>(path: string): Promise<{ rows: T[]; next: string | null }> {
  const { body, next } = await apiLinked<T[]>(path);
  return { rows: body, next };
}

/** A GET whose answer may name the next page in its `Link: <…>; rel="next"` header. */
export async function apiLinked<T>(path: string): Promise<{ body: T; next: string | null }> {
  let next: string | null = null;
  const body = await api<T>("GET", path, undefined, {}, (response) => {
    const link = response.headers.get("link");
    const match = link ? /<([^>]+)>\s*;\s*rel="?next"?/.exec(link) : null;
    // The server may answer with an absolute URL: keep the path, the console talks to its own origin.
    next = match ? new URL(match[1]!, location.origin).pathname + new URL(match[1]!, location.origin).search : null;
  });
  return { body, next };
}

export function query(params: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== "") search.set(name, value);
  const text = search.toString();
  return text ? `?${text}` : "";
}

import type { ConfigView, EffectiveConfigView } from "../../src/configs/config-view.ts";
import type { ExecutionView } from "../../src/executions/execution-view.ts";
import type { OrgView } from "../../src/orgs/org-view.ts";

// ----- shapes of the API's answers (see /api/openapi.json)

// Type-only: the console's types of the API's answers are the API's own views (zod schemas),
// so a field renamed there fails the console's typecheck; nothing of src/ is bundled.
import type { ConfigType } from "../../src/configs/config-type.ts";
export type { ConfigType };
export type { AuditRecord as AuditRow } from "../../src/audit/audit-view.ts";
export type { SessionView as Session } from "../../src/auth/session-view.ts";
export type { ExecutionView as Execution } from "../../src/executions/execution-view.ts";
export type { ScheduleView as Schedule } from "../../src/schedules/schedule-view.ts";
export type { WebhookView as Webhook, WebhookWithSecret } from "../../src/webhooks/webhook-view.ts";

/** A config as listed: its own row, or (an org's effective view) where it comes from and what it hides. */
export type Config = ConfigView & Partial<Pick<EffectiveConfigView, "resolvedFrom" | "shadowsGlobal" | "shadowed">>;

/** GET /api/config-matrix: keys × a page of orgs; a cell never holds a secret's value. */
export type { ConfigMatrix, MatrixCell } from "../../src/configs/config-matrix-view.ts";

/** A config key as the API stores it (see the contract): lowercase, `-`, `.` and spaces as `_`. */
export function canonicalKey(raw: string): string {
  return raw.trim().toLowerCase().replace(/[-. ]/g, "_");
}

/** An org as the console names it (lists and matrix columns). */
export type Org = Pick<OrgView, "id" | "name">;

export type ExecutionStatus = ExecutionView["status"];

export type ExecutionTrigger = ExecutionView["trigger"];

/** Runs the console starts say so (the execution's `trigger`). */
export const CONSOLE_TRIGGER = { "Bifrost-Trigger": "console" };

/** GET /api/workflows: what can run (params as JSON Schema, as zod writes it) and the files that failed to load. */
export type { JsonSchema, WorkflowInfo as Workflow, WorkflowList } from "../../src/workflows/workflow-view.ts";
