import { createBullBoard } from "@bull-board/api";
import { ExpressAdapter } from "@bull-board/express";
import type { Queue } from "bullmq";
import { Router, type RequestHandler } from "express";
import { QUEUES_COOKIE, QUEUES_PATH } from "../auth/session-routes.ts";
import type { TokenService } from "../auth/index.ts";
import { AuthenticationError } from "../errors/index.ts";
import type { AuthFailureLimit } from "../http/auth-failure-limit.ts";
import { RedactedQueueAdapter } from "./redacted-queue-adapter.ts";

/**
 * bull-board at /admin/queues, for admin tokens only (Authorization header, or the cookie the
 * console sets). Read-only: the executions table is the truth, and a job removed or retried by
 * hand behind its back would leave its execution stuck. Its failed authentications count against
 * the same per-address limit as the API's (`failures`), and it shows no job's data, result,
 * failure or logs (RedactedQueueAdapter).
 */
export function queueDashboard(queue: Queue, tokens: TokenService, failures: AuthFailureLimit): Router {
  const adapter = new ExpressAdapter();
  adapter.setBasePath(QUEUES_PATH);
  createBullBoard({
    queues: [new RedactedQueueAdapter(queue, { readOnlyMode: true })],
    serverAdapter: adapter,
    options: { uiConfig: { boardTitle: "Bifrost queues" } },
  });
  const router = Router();
  router.use(failures.gate, adminOnly(tokens, failures), adapter.getRouter());
  return router;
}

function adminOnly(tokens: TokenService, failures: AuthFailureLimit): RequestHandler {
  return async (req, res, next) => {
    const cookie = cookieValue(req.headers.cookie, QUEUES_COOKIE);
    const header = req.get("authorization") ?? (cookie ? `Bearer ${cookie}` : undefined);
    let principal;
    try {
      principal = await tokens.authenticate(header);
    } catch (error) {
      // Anything else (the database down) is the error handler's to answer.
      if (!(error instanceof AuthenticationError)) throw error;
      await failures.recordFailure(req);
      res.status(401).type("text").send("Sign in to the console with an admin token, then open Queues from there.");
      return;
    }
    if (principal.kind === "org") {
      res.status(403).type("text").send("The queue dashboard is for admin tokens only.");
      return;
    }
    next();
  };
}

/** A cookie's value, or undefined (also for one whose percent-escapes do not decode: no token). */
function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(";") ?? []) {
    const [key, ...rest] = part.trim().split("=");
    if (key !== name) continue;
    try {
      return decodeURIComponent(rest.join("="));
    } catch {
      return undefined;
    }
  }
  return undefined;
}
