import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestPlatform, type TestPlatform } from "../support/test-platform.ts";

// An org token asking for another org gets one answer whether that org exists or not, and no
// answer names another org (../shared/CONTRACT.md v2 "Tokens"): it cannot learn which orgs exist.

const OWN = "enum-own";
const OTHER = "enum-other-secret-name";
const MISSING_NAME = "enum-missing-name-xyz"; // as long as OTHER's, so not even a length differs
const MISSING_ID = "5d7c0a3e-9b1f-4c2e-8a6d-3f0e1b2c4d5e";

let t: TestPlatform;
let ownToken: string;
let other: { id: string; name: string };

beforeAll(async () => {
  t = await startTestPlatform();
  ownToken = await t.orgToken(OWN);
  await t.orgToken(OTHER);
  other = (await t.platform.orgs.find(OTHER))!;
  expect(
    (await t.api(t.adminToken)("PUT", `/api/configs/k?scope=${OTHER}`, { type: "string", value: "v" })).status,
  ).toBe(201);
});
afterAll(() => t?.close());

/** Each request an org token could name another org in; `X` stands for that org. */
const probes: { route: string; method: string; path: (x: string) => string; body?: (x: string) => unknown }[] = [
  { route: "GET /api/configs?scope=", method: "GET", path: (x) => `/api/configs?scope=${x}` },
  {
    route: "GET /api/configs?scope=&effective=true",
    method: "GET",
    path: (x) => `/api/configs?effective=true&scope=${x}`,
  },
  { route: "GET /api/configs/:key?scope=", method: "GET", path: (x) => `/api/configs/k?scope=${x}` },
  {
    route: "PUT /api/configs/:key?scope=",
    method: "PUT",
    path: (x) => `/api/configs/k?scope=${x}`,
    body: () => ({ type: "string", value: "w" }),
  },
  { route: "DELETE /api/configs/:key?scope=", method: "DELETE", path: (x) => `/api/configs/k?scope=${x}` },
  { route: "GET /api/executions?scope=", method: "GET", path: (x) => `/api/executions?scope=${x}` },
  { route: "GET /api/audit?scope=", method: "GET", path: (x) => `/api/audit?scope=${x}` },
  {
    route: "POST /api/workflows/:name/executions?scope=",
    method: "POST",
    path: (x) => `/api/workflows/noop/executions?scope=${x}`,
    body: () => ({ params: {} }),
  },
  { route: "GET /api/export?scope=", method: "GET", path: (x) => `/api/export?portable=true&scope=${x}` },
  {
    route: "POST /api/tokens {org}",
    method: "POST",
    path: () => "/api/tokens",
    body: (x) => ({ name: "probe", org: x }),
  },
  { route: "DELETE /api/orgs/:org", method: "DELETE", path: (x) => `/api/orgs/${x}` },
];

describe.each(probes)("$route", ({ method, path, body }) => {
  async function answer(x: string) {
    const res = await t.api(ownToken)(method, path(x), body?.(x));
    return { status: res.status, body: res.text };
  }

  it.each([
    ["by name", () => OTHER, () => MISSING_NAME],
    ["by id", () => other.id, () => MISSING_ID],
  ])("answers the same for an existing and a missing org %s, naming neither", async (_how, existing, missing) => {
    const [forExisting, forMissing] = [await answer(existing()), await answer(missing())];
    expect(forExisting.status).toBe(403);
    expect(forExisting).toEqual(forMissing);
    for (const name of [OTHER, other.id, MISSING_NAME, MISSING_ID]) expect(forExisting.body).not.toContain(name);
  });
});

it("changed nothing in the other org", async () => {
  expect((await t.api(t.adminToken)("GET", `/api/configs/k?scope=${OTHER}`)).body).toMatchObject({ value: "v" });
  expect(await t.platform.db.prisma.apiToken.count({ where: { orgId: other.id } })).toBe(1);
});
