import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { ExpressAdapter } from "@bull-board/express";
import type { Queue } from "bullmq";
import { Router, type RequestHandler } from "express";
import { QUEUES_COOKIE, QUEUES_PATH } from "../auth/session-routes.ts";
import type { TokenService } from "../auth/index.ts";

/**
 * bull-board at /admin/queues, for admin tokens only (Authorization header, or the cookie the
 * console sets). Read-only: the executions table is the truth, and a job removed or retried by
 * hand behind its back would leave its execution stuck.
 */
export function queueDashboard(queue: Queue, tokens: TokenService): Router {
  const adapter = new ExpressAdapter();
  adapter.setBasePath(QUEUES_PATH);
  createBullBoard({ queues: [new BullMQAdapter(queue, { readOnlyMode: true })], serverAdapter: adapter, options: { uiConfig: { boardTitle: "Bifrost queues" } } });
  const router = Router();
  router.use(adminOnly(tokens), adapter.getRouter());
  return router;
}

function adminOnly(tokens: TokenService): RequestHandler {
  return async (req, res, next) => {
    const cookie = cookieValue(req.headers.cookie, QUEUES_COOKIE);
    const header = req.get("authorization") ?? (cookie ? `Bearer ${cookie}` : undefined);
    try {
      const principal = await tokens.authenticate(header);
      if (principal.kind === "org") {
        res.status(403).type("text").send("The queue dashboard is for admin tokens only.");
        return;
      }
      next();
    } catch {
      res.status(401).type("text").send("Sign in to the console with an admin token, then open Queues from there.");
    }
  };
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(";") ?? []) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return decodeURIComponent(rest.join("="));
  }
  return undefined;
}
