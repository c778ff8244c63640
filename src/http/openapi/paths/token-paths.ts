import type { OpenAPIRegistry } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";
import { TokenName } from "../../../auth/token-input.ts";
import { CreatedToken, TokenView } from "../../../auth/token-view.ts";
import { AUTH_ERRORS, errors, idParam, json } from "../openapi-helpers.ts";

const tags = ["Tokens"];

// The body as a sender writes it (token-routes.ts parses it; `expiresIn` is text there).
const CreateTokenBody = z
  .strictObject({
    name: TokenName.optional().meta({ description: "Default: `<org>-token` or `admin`" }),
    org: z
      .string()
      .min(1)
      .max(255)
      .optional()
      .meta({ description: "An org id or name: an org token; an org token's own org when omitted" }),
    admin: z.boolean().optional().meta({ description: "true: an admin token (not with `org`)" }),
    readOnly: z.boolean().optional().meta({ description: "Reads only: 403 FORBIDDEN on every write and run" }),
    expiresIn: z
      .string()
      .regex(/^[1-9][0-9]{0,6}[mhd]$/)
      .optional()
      .meta({ description: "`90m`, `12h`, `30d` (1 minute to 365 days); omitted: it never expires" }),
  })
  .meta({ id: "TokenCreate", example: { name: "ci", org: "acme", readOnly: true, expiresIn: "30d" } });

export function registerTokenPaths(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: "get",
    path: "/api/tokens",
    operationId: "listTokens",
    summary: "List tokens",
    description: "All tokens for an admin token; an org token's own org's. Never a token or its hash.",
    tags,
    responses: { 200: json("The tokens", z.array(TokenView)), ...errors(...AUTH_ERRORS) },
  });

  registry.registerPath({
    method: "post",
    path: "/api/tokens",
    operationId: "createToken",
    summary: "Create a token",
    description: "An org token may create tokens for its own org only. The token is in this answer only.",
    tags,
    request: { body: { required: true, content: { "application/json": { schema: CreateTokenBody } } } },
    responses: {
      201: json("Created; `token` is shown this once", CreatedToken),
      ...errors(400, ...AUTH_ERRORS, 403, 404, 415),
    },
  });

  registry.registerPath({
    method: "delete",
    path: "/api/tokens/{id}",
    operationId: "revokeToken",
    summary: "Revoke a token",
    description: "Refused from the very next request (401).",
    tags,
    request: { params: idParam("token") },
    responses: { 204: { description: "Revoked" }, ...errors(400, ...AUTH_ERRORS, 403, 404) },
  });
}
