import { Router } from "express";
import { principalOf } from "../http/authenticate.ts";
import type { OrgService } from "../orgs/index.ts";
import { assertAdmin } from "./access-policy.ts";
import type { SessionView } from "./session-view.ts";

/** The cookie that lets a browser tab open the queue dashboard, which is a page, not an API call. */
export const QUEUES_COOKIE = "bifrost_queues";
export const QUEUES_PATH = "/admin/queues";

/** GET /api/session: who the token is (the console shapes its pages by it). */
export function sessionRoutes(orgs: OrgService): Router {
  const router = Router();
  router.get("/", async (_req, res) => {
    const principal = principalOf(res);
    const org = principal.kind === "org" ? await orgs.get(principal.orgId) : null;
    const readOnly = principal.kind !== "system" && principal.readOnly;
    const session: SessionView = {
      kind: principal.kind === "org" ? "org" : "admin",
      actor: principal.actor,
      org: org && { id: org.id, name: org.name },
      readOnly,
    };
    res.json(session);
  });

  // The dashboard cannot send an Authorization header, so an admin's console hands it the token in
  // a cookie that only that path receives, that scripts cannot read, and that other sites never send.
  router.post("/queues-cookie", (req, res) => {
    assertAdmin(principalOf(res), "open the queue dashboard");
    const token = req.get("authorization")!.replace(/^Bearer\s+/i, "");
    res.cookie(QUEUES_COOKIE, token, { httpOnly: true, sameSite: "strict", secure: req.secure, path: QUEUES_PATH });
    res.status(204).end();
  });
  router.delete("/queues-cookie", (req, res) => {
    res.clearCookie(QUEUES_COOKIE, { httpOnly: true, sameSite: "strict", secure: req.secure, path: QUEUES_PATH });
    res.status(204).end();
  });
  return router;
}
