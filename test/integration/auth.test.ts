import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestPlatform, type Api, type ApiResponse, type TestPlatform } from "../support/test-platform.ts";

// Who may call which /api route (../shared/CONTRACT.md "HTTP API" + src/auth/access-policy.ts):
// every route needs a valid token (401 UNAUTHORIZED otherwise); an admin token may do everything;
// an org token acts only inside its own org, plus read-through to global non-secret values.
// A refusal (401/403) never changes anything.

const ACME = "authz-acme"; // the org whose token acts
const GLOBEX = "authz-globex"; // another org, which that token must not reach
const GLOBAL_SECRET = "global-secret-plaintext-0123456789";
const GLOBEX_SECRET = "globex-secret-plaintext-0123456789";

let t: TestPlatform;
let acme: { id: string; name: string };
let globex: { id: string; name: string };
let tokens: Record<"admin" | "acme" | "revoked", string>;

beforeAll(async () => {
  t = await startTestPlatform();
  tokens = { admin: t.adminToken, acme: await t.orgToken(ACME), revoked: await t.orgToken(ACME) };
  await t.orgToken(GLOBEX);
  acme = (await t.platform.orgs.find(ACME))!;
  globex = (await t.platform.orgs.find(GLOBEX))!;
  await revoke(tokens.revoked);

  const seed: [string, string, string, unknown][] = [
    ["global", "g_plain", "string", "global-plain"],
    ["global", "g_secret", "secret", GLOBAL_SECRET],
    ["global", "shadowed", "string", "from-global"],
    [ACME, "acme_plain", "int", 1],
    [ACME, "shadowed", "string", "from-acme"],
    [GLOBEX, "globex_plain", "string", "globex-value"],
    [GLOBEX, "globex_secret", "secret", GLOBEX_SECRET],
  ];
  for (const [scope, key, type, value] of seed) {
    const res = await as("admin")("PUT", `/api/configs/${key}?scope=${scope}`, { type, value });
    expect(res.status, res.text).toBe(201);
  }
});
afterAll(() => t?.close());

/** Revokes a token in the database (there is no revoke route yet). */
async function revoke(token: string): Promise<void> {
  const tokenHash = createHash("sha256").update(token).digest("hex");
  await t.platform.db.prisma.apiToken.update({ where: { tokenHash }, data: { revokedAt: new Date() } });
}

const as = (who: "admin" | "acme"): Api => t.api(tokens[who]);

/** Everything a refused request must leave alone: every config row as stored, orgs, audit, tokens. */
async function snapshot() {
  const prisma = t.platform.db.prisma;
  return {
    configs: await prisma.config.findMany({ orderBy: [{ scope: "asc" }, { key: "asc" }] }),
    orgs: await prisma.org.findMany({ orderBy: { name: "asc" } }),
    auditRows: await prisma.auditEvent.count(),
    tokens: await prisma.apiToken.count(),
  };
}

/** The value `key` holds in `scope`, read as an admin. */
async function stored(scope: string, key: string): Promise<unknown> {
  const res = await as("admin")("GET", `/api/configs?scope=${scope}`);
  return res.body.find((c: { key: string }) => c.key === key)?.value;
}

// ---------------------------------------------------------------------------------------------
// The spec. `probe` is the request every bad credential is tried on (for writes it targets an
// existing value, so "nothing changed" means something). `cases` are the valid tokens.

interface Request {
  method: string;
  /** A function: org ids exist only once beforeAll has run. */
  path: () => string;
  body?: unknown;
}

interface Case extends Request {
  title: string;
  token: "admin" | "acme";
  status: number;
  /** The error code, for a refusal. */
  code?: string;
  setup?: () => Promise<void>;
  check?: (res: ApiResponse) => void | Promise<void>;
}

interface RouteSpec {
  route: string;
  probe: Request;
  /** After a refused probe: the target still holds its old value. */
  unchanged?: () => Promise<void>;
  cases: Case[];
}

const keys = (res: ApiResponse): string[] => res.body.map((c: { key: string }) => c.key);
const createGlobal = (key: string) => async () =>
  void (await as("admin")("PUT", `/api/configs/${key}?scope=global`, { type: "string", value: "tmp" }));
const createIn = (org: string, key: string) => async () =>
  void (await as("admin")("PUT", `/api/configs/${key}?scope=${org}`, { type: "string", value: "tmp" }));
const forbidden = (title: string, method: string, path: () => string, body?: unknown): Case => ({
  title,
  token: "acme",
  method,
  path,
  body,
  status: 403,
  code: "FORBIDDEN",
});

const routes: RouteSpec[] = [
  {
    route: "POST /api/orgs",
    probe: { method: "POST", path: () => "/api/orgs", body: { name: "authz-intruder" } },
    unchanged: async () => expect(await t.platform.orgs.find("authz-intruder")).toBeNull(),
    cases: [
      {
        title: "admin creates an org",
        token: "admin",
        method: "POST",
        path: () => "/api/orgs",
        body: { name: "authz-new" },
        status: 201,
        check: (res) => expect(res.body).toMatchObject({ id: expect.any(String), name: "authz-new" }),
      },
      forbidden("org token cannot create an org", "POST", () => "/api/orgs", { name: "authz-by-org" }),
      forbidden("org token is refused before its body is even validated", "POST", () => "/api/orgs", {
        name: "",
        extra: 1,
      }),
    ],
  },
  {
    route: "GET /api/orgs",
    probe: { method: "GET", path: () => "/api/orgs" },
    cases: [
      {
        title: "admin sees every org",
        token: "admin",
        method: "GET",
        path: () => "/api/orgs",
        status: 200,
        check: (res) =>
          expect(res.body.map((o: { name: string }) => o.name)).toEqual(expect.arrayContaining([ACME, GLOBEX])),
      },
      {
        title: "org token sees only its own org",
        token: "acme",
        method: "GET",
        path: () => "/api/orgs",
        status: 200,
        check: (res) => expect(res.body).toEqual([expect.objectContaining({ id: acme.id, name: ACME })]),
      },
    ],
  },
  {
    route: "GET /api/configs",
    probe: { method: "GET", path: () => "/api/configs?scope=global" },
    cases: [
      {
        title: "admin lists global (the default)",
        token: "admin",
        method: "GET",
        path: () => "/api/configs",
        status: 200,
        check: (res) => expect(keys(res)).toEqual(["g_plain", "g_secret", "shadowed"]),
      },
      {
        title: "admin lists another org",
        token: "admin",
        method: "GET",
        path: () => `/api/configs?scope=${GLOBEX}`,
        status: 200,
        check: (res) => expect(keys(res)).toEqual(["globex_plain", "globex_secret"]),
      },
      {
        title: "org token lists its own org (the default), not global rows",
        token: "acme",
        method: "GET",
        path: () => "/api/configs",
        status: 200,
        check: (res) =>
          expect(res.body.map((c: { key: string; scope: string }) => [c.key, c.scope])).toEqual([
            ["acme_plain", acme.id],
            ["shadowed", acme.id],
          ]),
      },
      {
        title: "org token lists its own org by name",
        token: "acme",
        method: "GET",
        path: () => `/api/configs?scope=${ACME}`,
        status: 200,
      },
      {
        title: "org token lists its own org by id",
        token: "acme",
        method: "GET",
        path: () => `/api/configs?scope=${acme.id}`,
        status: 200,
      },
      {
        title: "org token lists its own org by upper-case id",
        token: "acme",
        method: "GET",
        path: () => `/api/configs?scope=${acme.id.toUpperCase()}`,
        status: 200,
      },
      forbidden("org token cannot list global", "GET", () => "/api/configs?scope=global"),
      forbidden("org token cannot list another org by name", "GET", () => `/api/configs?scope=${GLOBEX}`),
      forbidden("org token cannot list another org by id", "GET", () => `/api/configs?scope=${globex.id}`),
      forbidden(
        "org token cannot list another org by upper-case id",
        "GET",
        () => `/api/configs?scope=${globex.id.toUpperCase()}`,
      ),
    ],
  },
  {
    route: "GET /api/configs?effective=true",
    probe: { method: "GET", path: () => `/api/configs?effective=true&scope=${ACME}` },
    cases: [
      {
        title: "admin reads any org's effective view",
        token: "admin",
        method: "GET",
        path: () => `/api/configs?effective=true&scope=${GLOBEX}`,
        status: 200,
        check: (res) => expect(keys(res)).toEqual(["g_plain", "g_secret", "globex_plain", "globex_secret", "shadowed"]),
      },
      {
        title: "org token sees its rows and global ones through the cascade, secrets masked",
        token: "acme",
        method: "GET",
        path: () => "/api/configs?effective=true",
        status: 200,
        check: (res) => {
          expect(res.body.map((c: any) => [c.key, c.resolvedFrom, c.value, c.masked])).toEqual([
            ["acme_plain", acme.id, 1, false],
            ["g_plain", "global", "global-plain", false],
            ["g_secret", "global", null, true],
            ["shadowed", acme.id, "from-acme", false],
          ]);
          expect(res.text).not.toContain(GLOBAL_SECRET);
        },
      },
      {
        title: "org token reads its own effective view by id",
        token: "acme",
        method: "GET",
        path: () => `/api/configs?effective=true&scope=${acme.id}`,
        status: 200,
      },
      forbidden(
        "org token cannot read another org's effective view by name",
        "GET",
        () => `/api/configs?effective=true&scope=${GLOBEX}`,
      ),
      forbidden(
        "org token cannot read another org's effective view by id",
        "GET",
        () => `/api/configs?effective=true&scope=${globex.id}`,
      ),
      forbidden("org token cannot read global scope itself", "GET", () => "/api/configs?effective=true&scope=global"),
    ],
  },
  {
    route: "GET /api/configs/:key",
    probe: { method: "GET", path: () => `/api/configs/g_plain?scope=${ACME}` },
    cases: [
      {
        title: "admin reads a global value",
        token: "admin",
        method: "GET",
        path: () => "/api/configs/g_plain",
        status: 200,
        check: (res) => expect(res.body).toMatchObject({ value: "global-plain", resolvedFrom: "global" }),
      },
      {
        title: "admin reads another org's effective value",
        token: "admin",
        method: "GET",
        path: () => `/api/configs/globex_plain?scope=${globex.id}`,
        status: 200,
        check: (res) => expect(res.body).toMatchObject({ value: "globex-value", resolvedFrom: globex.id }),
      },
      {
        title: "org token reads a global non-secret value through the cascade",
        token: "acme",
        method: "GET",
        path: () => `/api/configs/g_plain?scope=${ACME}`,
        status: 200,
        check: (res) =>
          expect(res.body).toMatchObject({
            key: "g_plain",
            type: "string",
            value: "global-plain",
            masked: false,
            resolvedFrom: "global",
          }),
      },
      {
        title: "org token reads through the cascade with no scope (its own org)",
        token: "acme",
        method: "GET",
        path: () => "/api/configs/g_plain",
        status: 200,
        check: (res) => expect(res.body).toMatchObject({ value: "global-plain", resolvedFrom: "global" }),
      },
      {
        title: "org token sees a global secret only masked",
        token: "acme",
        method: "GET",
        path: () => `/api/configs/g_secret?scope=${acme.id}`,
        status: 200,
        check: (res) => {
          expect(res.body).toMatchObject({
            key: "g_secret",
            type: "secret",
            value: null,
            masked: true,
            resolvedFrom: "global",
          });
          expect(res.text).not.toContain(GLOBAL_SECRET);
        },
      },
      {
        title: "org token reads its own row shadowing the global one",
        token: "acme",
        method: "GET",
        path: () => "/api/configs/shadowed",
        status: 200,
        check: (res) => expect(res.body).toMatchObject({ value: "from-acme", resolvedFrom: acme.id }),
      },
      {
        title: "org token's cascade never reaches another org's rows",
        token: "acme",
        method: "GET",
        path: () => "/api/configs/globex_plain",
        status: 404,
        code: "CONFIG_NOT_FOUND",
      },
      forbidden(
        "org token cannot read another org's value by name",
        "GET",
        () => `/api/configs/globex_plain?scope=${GLOBEX}`,
      ),
      forbidden(
        "org token cannot read another org's value by id",
        "GET",
        () => `/api/configs/globex_plain?scope=${globex.id}`,
      ),
      forbidden(
        "org token cannot read another org's secret (not even masked)",
        "GET",
        () => `/api/configs/globex_secret?scope=${globex.id}`,
      ),
      forbidden("org token cannot read global scope itself", "GET", () => "/api/configs/g_plain?scope=global"),
    ],
  },
  {
    route: "PUT /api/configs/:key",
    probe: {
      method: "PUT",
      path: () => "/api/configs/g_plain?scope=global",
      body: { type: "string", value: "hijacked" },
    },
    unchanged: async () => expect(await stored("global", "g_plain")).toBe("global-plain"),
    cases: [
      {
        title: "admin creates a global value",
        token: "admin",
        method: "PUT",
        path: () => "/api/configs/admin_new?scope=global",
        body: { type: "int", value: 5 },
        status: 201,
      },
      {
        title: "admin writes into any org",
        token: "admin",
        method: "PUT",
        path: () => `/api/configs/admin_new?scope=${globex.id}`,
        body: { type: "int", value: 6 },
        status: 201,
      },
      {
        title: "org token creates a value in its own org (the default)",
        token: "acme",
        method: "PUT",
        path: () => "/api/configs/acme_new",
        body: { type: "string", value: "a" },
        status: 201,
        check: (res) => expect(res.body).toMatchObject({ scope: acme.id, updatedBy: `token:${ACME}-test` }),
      },
      {
        title: "org token updates a value in its own org by name",
        token: "acme",
        method: "PUT",
        path: () => `/api/configs/acme_new?scope=${ACME}`,
        body: { type: "string", value: "b" },
        status: 200,
      },
      {
        title: "org token shadows a global key in its own org, leaving the global row alone",
        token: "acme",
        method: "PUT",
        path: () => `/api/configs/g_plain?scope=${acme.id}`,
        body: { type: "string", value: "acme-own" },
        status: 201,
        check: async (res) => {
          expect(res.body.scope).toBe(acme.id);
          expect(await stored("global", "g_plain")).toBe("global-plain");
        },
      },
      forbidden("org token cannot write global", "PUT", () => "/api/configs/g_plain?scope=global", {
        type: "string",
        value: "hijacked",
      }),
      forbidden("org token cannot create a global key", "PUT", () => "/api/configs/org_made?scope=global", {
        type: "string",
        value: "x",
      }),
      forbidden(
        "org token cannot write another org by name",
        "PUT",
        () => `/api/configs/globex_plain?scope=${GLOBEX}`,
        { type: "string", value: "hijacked" },
      ),
      forbidden(
        "org token cannot write another org by id",
        "PUT",
        () => `/api/configs/globex_plain?scope=${globex.id}`,
        { type: "string", value: "hijacked" },
      ),
      forbidden(
        "org token cannot replace another org's secret",
        "PUT",
        () => `/api/configs/globex_secret?scope=${globex.id}`,
        { type: "secret", value: "attacker-chosen-secret" },
      ),
      forbidden(
        "org token is refused before its body is validated",
        "PUT",
        () => `/api/configs/globex_plain?scope=${GLOBEX}`,
        { type: "float", extra: 1 },
      ),
    ],
  },
  {
    route: "DELETE /api/configs/:key",
    probe: { method: "DELETE", path: () => "/api/configs/g_plain?scope=global" },
    unchanged: async () => expect(await stored("global", "g_plain")).toBe("global-plain"),
    cases: [
      {
        title: "admin deletes a global value",
        token: "admin",
        method: "DELETE",
        path: () => "/api/configs/admin_del?scope=global",
        status: 204,
        setup: createGlobal("admin_del"),
      },
      {
        title: "admin deletes from any org",
        token: "admin",
        method: "DELETE",
        path: () => `/api/configs/admin_del?scope=${GLOBEX}`,
        status: 204,
        setup: createIn(GLOBEX, "admin_del"),
      },
      {
        title: "org token deletes in its own org (the default)",
        token: "acme",
        method: "DELETE",
        path: () => "/api/configs/acme_del",
        status: 204,
        setup: createIn(ACME, "acme_del"),
      },
      {
        title: "org token deletes in its own org by id",
        token: "acme",
        method: "DELETE",
        path: () => `/api/configs/acme_del?scope=${acme.id}`,
        status: 204,
        setup: createIn(ACME, "acme_del"),
      },
      {
        title: "org token deleting a key its org lacks gets 404, global row untouched",
        token: "acme",
        method: "DELETE",
        path: () => "/api/configs/g_secret",
        status: 404,
        code: "CONFIG_NOT_FOUND",
        check: async () =>
          expect(await t.platform.db.prisma.config.count({ where: { scope: "global", key: "g_secret" } })).toBe(1),
      },
      forbidden("org token cannot delete global", "DELETE", () => "/api/configs/g_plain?scope=global"),
      forbidden(
        "org token cannot delete another org's value by name",
        "DELETE",
        () => `/api/configs/globex_plain?scope=${GLOBEX}`,
      ),
      forbidden(
        "org token cannot delete another org's value by id",
        "DELETE",
        () => `/api/configs/globex_plain?scope=${globex.id}`,
      ),
    ],
  },
  {
    route: "GET /api/audit",
    probe: { method: "GET", path: () => "/api/audit" },
    cases: [
      {
        title: "admin sees every scope's rows",
        token: "admin",
        method: "GET",
        path: () => "/api/audit?limit=1000",
        status: 200,
        check: (res) =>
          expect([...new Set(res.body.map((r: { scope: string }) => r.scope))]).toEqual(
            expect.arrayContaining(["global", acme.id, globex.id]),
          ),
      },
      {
        title: "admin filters by another org",
        token: "admin",
        method: "GET",
        path: () => `/api/audit?scope=${GLOBEX}`,
        status: 200,
        check: (res) => expect(res.body.every((r: { scope: string }) => r.scope === globex.id)).toBe(true),
      },
      {
        title: "org token sees only its own org's rows",
        token: "acme",
        method: "GET",
        path: () => "/api/audit?limit=1000",
        status: 200,
        check: async (res) => {
          const expected = await t.platform.db.prisma.auditEvent.count({ where: { scope: acme.id } });
          expect(res.body).toHaveLength(expected);
          expect(res.body.length).toBeGreaterThan(0);
          expect(res.body.every((r: { scope: string }) => r.scope === acme.id)).toBe(true);
        },
      },
      {
        title: "org token filters by its own org by name",
        token: "acme",
        method: "GET",
        path: () => `/api/audit?scope=${ACME}`,
        status: 200,
        check: (res) => expect(res.body.every((r: { scope: string }) => r.scope === acme.id)).toBe(true),
      },
      {
        title: "org token's key filter stays inside its org",
        token: "acme",
        method: "GET",
        path: () => "/api/audit?key=globex_plain",
        status: 200,
        check: (res) => expect(res.body).toEqual([]),
      },
      forbidden("org token cannot read another org's rows by name", "GET", () => `/api/audit?scope=${GLOBEX}`),
      forbidden("org token cannot read another org's rows by id", "GET", () => `/api/audit?scope=${globex.id}`),
      forbidden("org token cannot read global rows", "GET", () => "/api/audit?scope=global"),
    ],
  },
  {
    route: "an unknown /api route",
    probe: { method: "GET", path: () => "/api/nope" },
    cases: [
      {
        title: "admin gets 404 NOT_FOUND",
        token: "admin",
        method: "GET",
        path: () => "/api/nope",
        status: 404,
        code: "NOT_FOUND",
      },
      {
        title: "org token gets 404 NOT_FOUND (there is no PATCH /api/orgs/:id)",
        token: "acme",
        method: "PATCH",
        path: () => "/api/orgs/x",
        status: 404,
        code: "NOT_FOUND",
      },
    ],
  },
];

// Bad credentials: [what, the Authorization header to send, or null for none].
const badCredentials: [string, () => string | null][] = [
  ["no Authorization header", () => null],
  ["an empty Authorization header", () => ""],
  ["the Basic scheme", () => "Basic dXNlcjpwYXNz"],
  ["Bearer without a token", () => "Bearer"],
  ["a valid token without the Bearer scheme", () => tokens.admin],
  ["Bearer with two tokens", () => `Bearer ${tokens.admin} ${tokens.admin}`],
  ["a truncated valid token", () => `Bearer ${tokens.admin.slice(0, -1)}`],
  ["an unknown token", () => "Bearer not-a-real-token"],
  ["a well-formed bft_ token never issued", () => `Bearer bft_${randomBytes(32).toString("base64url")}`],
  ["a revoked token", () => `Bearer ${tokens.revoked}`],
];

function send(token: string | null, req: Request, header?: string | null): Promise<ApiResponse> {
  const headers: Record<string, string> = header == null ? {} : { authorization: header };
  return t.api(token)(req.method, req.path(), req.body, headers);
}

function expectError(res: ApiResponse, status: number, code: string): void {
  expect(res.status, res.text).toBe(status);
  expect(res.body.error.code).toBe(code);
}

describe.each(routes)("$route", ({ probe, unchanged, cases }) => {
  describe("refuses bad credentials with 401 UNAUTHORIZED, changing nothing", () => {
    it.each(badCredentials)("%s", async (_what, header) => {
      const before = await snapshot();
      expectError(await send(null, probe, header()), 401, "UNAUTHORIZED");
      expect(await snapshot()).toEqual(before);
      await unchanged?.();
    });
  });

  describe("valid tokens", () => {
    it.each(cases)("$title -> $status", async (c) => {
      await c.setup?.();
      const before = await snapshot();
      const res = await send(tokens[c.token], c);
      if (c.code) expectError(res, c.status, c.code);
      else expect(res.status, res.text).toBe(c.status);
      if (c.status === 401 || c.status === 403) {
        expect(await snapshot()).toEqual(before);
        await unchanged?.();
      }
      await c.check?.(res);
    });
  });
});

describe("authentication comes before anything else", () => {
  it("answers 401, not 400, to an unauthenticated request with a malformed JSON body", async () => {
    const before = await snapshot();
    expectError(await t.api(null)("PUT", "/api/configs/g_plain?scope=global", "{not json"), 401, "UNAUTHORIZED");
    expect(await snapshot()).toEqual(before);
  });

  it("answers 401, not 400, to an unauthenticated request with an invalid scope", async () => {
    expectError(await t.api(null)("GET", "/api/configs?scope="), 401, "UNAUTHORIZED");
  });

  it("accepts the Bearer scheme in any case, as RFC 7235 says", async () => {
    expect((await t.api(null)("GET", "/api/orgs", undefined, { authorization: `bearer ${tokens.admin}` })).status).toBe(
      200,
    );
  });

  it("never echoes the presented token in a refusal", async () => {
    const bogus = `bft_${randomBytes(32).toString("base64url")}`;
    expect((await t.api(bogus)("GET", "/api/orgs")).text).not.toContain(bogus);
  });

  it("leaves /health open", async () => {
    expect((await fetch(`${t.url}/health`)).status).toBe(200);
  });
});
