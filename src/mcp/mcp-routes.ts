import express, { Router, type ErrorRequestHandler, type Request, type RequestHandler } from "express";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { ErrorCode as RpcErrorCode } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { assertCanManageScope, defaultScopeRef, type TokenService } from "../auth/index.ts";
import { BifrostError } from "../errors/index.ts";
import { userConfigFromHeaders } from "../executions/user-config.ts";
import type { AuthFailureLimit } from "../http/auth-failure-limit.ts";
import { authenticate, principalOf } from "../http/authenticate.ts";
import { ERROR_STATUS } from "../http/error-status.ts";
import { fromLibraryError } from "../http/library-errors.ts";
import { resolveScopeFor } from "../http/request-scope.ts";
import { parseInput } from "../http/validate.ts";
import type { OrgService } from "../orgs/index.ts";
import { createMcpServer, type McpDeps } from "./mcp-server.ts";

/** As the API's JSON bodies: room for large tool arguments. */
const MCP_BODY_LIMIT = "1mb";
const ScopeParam = z.string().trim().min(1, "must not be empty").max(255);
const PATHS = ["/", "/:scope"];
/** JSON-RPC's range for implementation-defined server errors starts here. */
const SERVER_ERROR = -32000;

/**
 * `POST /mcp` (the token's own org, or global for an admin token) and `POST /mcp/:scope`:
 * stateless Streamable HTTP. The token is checked as on the API, then the scope as the execute
 * route checks it; read-only tokens get in (tools/list) and are refused per call (tools/call).
 * Failures before MCP starts answer a JSON-RPC error with the platform's status and code.
 */
export function mcpRoutes(deps: McpDeps, orgs: OrgService, tokens: TokenService, failures: AuthFailureLimit): Router {
  const router = Router();
  // No sessions, so no SSE stream to GET and nothing to DELETE (the SDK's stateless example does the same).
  router.all(PATHS, ((req, res, next) => {
    if (req.method === "POST") return next();
    res
      .set("Allow", "POST")
      .status(405)
      .json(rpcError(SERVER_ERROR, "Method not allowed: this MCP server is stateless; send JSON-RPC with POST"));
  }) satisfies RequestHandler);
  router.use(failures.gate);
  router.use(authenticate(tokens, failures, { byMethod: false }));
  router.use(express.json({ limit: MCP_BODY_LIMIT, strict: false }));
  router.post(PATHS, async (req, res) => {
    const principal = principalOf(res);
    const ref =
      req.params.scope === undefined
        ? defaultScopeRef(principal)
        : parseInput(ScopeParam, req.params.scope, "path.scope");
    const scope = await resolveScopeFor(orgs, principal, ref);
    assertCanManageScope(principal, scope);
    const userConfig = userConfigFromHeaders(req.headers);
    const server = createMcpServer(deps, { principal, scope, userConfig });
    // A plain JSON answer unless the client asked for progress, which needs the SSE stream.
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: !asksForProgress(req.body),
    });
    res.on("close", () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  });
  router.use(mcpErrors);
  return router;
}

/** Whether any request in the body (one message or a batch) carries `_meta.progressToken`. */
function asksForProgress(body: unknown): boolean {
  const messages: unknown[] = Array.isArray(body) ? body : [body];
  return messages.some(
    (message) =>
      (message as { params?: { _meta?: { progressToken?: unknown } } } | null)?.params?._meta?.progressToken !==
      undefined,
  );
}

function rpcError(code: number, message: string, data?: unknown) {
  return { jsonrpc: "2.0", error: { code, message, ...(data === undefined ? {} : { data }) }, id: null };
}

/** The platform's errors (401, 403, 400 for a bad Config-* header, ...) as JSON-RPC errors; others go on to the app's handler. */
const mcpErrors: ErrorRequestHandler = (error, req: Request, res, next) => {
  if (res.headersSent) return next(error);
  const known: BifrostError | null = error instanceof BifrostError ? error : fromLibraryError(error, req);
  if (!known) return next(error);
  const code =
    known.code === "MALFORMED_REQUEST"
      ? RpcErrorCode.ParseError
      : known.code === "VALIDATION_ERROR"
        ? RpcErrorCode.InvalidRequest
        : SERVER_ERROR;
  res.status(ERROR_STATUS[known.code]).json(rpcError(code, `${known.code}: ${known.message}`, known.toJSON()));
};
