import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestPlatform, type Api, type TestPlatform } from "../support/test-platform.ts";

// A cancelled run names who cancelled it (`cancelledBy`, from the `execution.cancel` audit row),
// on the execution and in the list; a run that ended otherwise has none.

let t: TestPlatform;
let admin: Api;
let org: Api;
beforeAll(async () => {
  t = await startTestPlatform({ worker: true });
  admin = t.api(t.adminToken);
  org = t.api(await t.orgToken("cancel-org"));
});
afterAll(() => t?.close());

describe("cancelledBy", () => {
  it("names the token that cancelled a running run, audited as execution.cancel", async () => {
    const queued = await org("POST", "/api/workflows/wait_for_cancel/executions", {});
    const id = queued.body.id as string;
    await expect
      .poll(async () => (await org("GET", `/api/executions/${id}`)).body.status, { timeout: 10_000 })
      .toBe("running");
    const cancelled = await org("POST", `/api/executions/${id}/cancel`);
    expect(cancelled.body.status).toBe("cancelled");
    const actor = (
      await t.platform.db.prisma.auditEvent.findFirstOrThrow({ where: { action: "execution.cancel", executionId: id } })
    ).actor;
    expect(actor).toMatch(/cancel-org/);
    expect(cancelled.body.cancelledBy).toBe(actor);
    expect((await org("GET", `/api/executions/${id}`)).body.cancelledBy).toBe(actor);
    const list = await admin("GET", "/api/executions?status=cancelled");
    expect(list.body.find((e: { id: string }) => e.id === id)).toMatchObject({ cancelledBy: actor });
  });

  it("a run that succeeded has no cancelledBy, and cancelling a finished run records nothing", async () => {
    const done = await admin("POST", "/api/workflows/noop/executions?wait=20000", {});
    expect(done.body.status).toBe("success");
    expect(done.body.cancelledBy).toBeUndefined();
    expect((await admin("POST", `/api/executions/${done.body.id}/cancel`)).status).toBe(409);
    expect(
      await t.platform.db.prisma.auditEvent.count({ where: { action: "execution.cancel", executionId: done.body.id } }),
    ).toBe(0);
  });
});
