import type { OpenAPIRegistry } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";
import { ConfigWrite } from "../../../configs/config-write.ts";
import { MATRIX_ORGS_PER_PAGE } from "../../../configs/config-matrix.ts";
import { ConfigMatrix } from "../../../configs/config-matrix-view.ts";
import { ConfigView, ConfigWriteView, EffectiveConfigView } from "../../../configs/config-view.ts";
import { AUTH_ERRORS, CursorQuery, LinkHeaders, TrueFalse, errors, json, ScopeQuery } from "../openapi-helpers.ts";

const KeyParam = z.object({
  key: z.string().meta({
    description: "Config key, case-insensitive (`Stripe-API-Key` is `stripe_api_key`)",
    example: "max_retries",
  }),
});
const tags = ["Configs"];

export function registerConfigPaths(registry: OpenAPIRegistry): void {
  const write = ConfigWrite.meta({
    id: "ConfigWrite",
    description:
      'A config to store. `value` as the type accepts it: int `42` or `"42"`, bool `true` or `"true"`, json any JSON value, secret a string of 1..64 KiB',
    example: { type: "int", value: 5, description: "How often to retry" },
  });

  registry.registerPath({
    method: "get",
    path: "/api/configs",
    operationId: "listConfigs",
    summary: "List a scope's configs",
    description:
      "The configs stored in a scope, or with `effective=true` every key an org can read after the cascade (its own rows, then global ones). Answers with an ETag: a request whose `If-None-Match` holds it gets 304 while nothing in the list changed.",
    tags,
    request: {
      query: z.object({
        scope: ScopeQuery,
        effective: TrueFalse.optional().meta({
          description: "`true`: the cascade for an org, each row with `resolvedFrom`",
        }),
      }),
      headers: z.object({
        "If-None-Match": z.string().optional().meta({ description: "The ETag of a list you hold" }),
      }),
    },
    responses: {
      200: {
        description: "The configs, by key; `EffectiveConfigView` rows with `effective=true`",
        headers: z.object({ ETag: z.string().meta({ description: "Send it back in If-None-Match" }) }),
        content: { "application/json": { schema: z.array(z.union([ConfigView, EffectiveConfigView])) } },
      },
      304: { description: "Not modified since the ETag given in If-None-Match" },
      ...errors(400, ...AUTH_ERRORS, 403, 404),
    },
  });

  registry.registerPath({
    method: "get",
    path: "/api/configs/{key}",
    operationId: "getConfig",
    summary: "Read a config's effective value",
    description:
      "The value `config.get` would see in the scope: the org's row if it has one, else the global row. A secret's value is never shown.",
    tags,
    request: { params: KeyParam, query: z.object({ scope: ScopeQuery }) },
    responses: { 200: json("The effective config", EffectiveConfigView), ...errors(400, ...AUTH_ERRORS, 403, 404) },
  });

  registry.registerPath({
    method: "put",
    path: "/api/configs/{key}",
    operationId: "putConfig",
    summary: "Create or replace a config",
    description:
      "Creates (201) or replaces (200) the scope's row. A secret is only ever replaced by a whole new value, never read back; a body with a `description` and no `value` changes only the description of a row of the same type. With `If-None-Match: *` it only creates: an existing key is 409 `CONFIG_EXISTS`.",
    tags,
    request: {
      params: KeyParam,
      query: z.object({ scope: ScopeQuery }),
      headers: z.object({
        "If-None-Match": z.literal("*").optional().meta({ description: "`*`: create only, never replace" }),
      }),
      body: { required: true, content: { "application/json": { schema: write } } },
    },
    responses: {
      200: json("Replaced", ConfigWriteView),
      201: json("Created", ConfigWriteView),
      ...errors(400, ...AUTH_ERRORS, 403, 404, 409, 413, 415),
    },
  });

  registry.registerPath({
    method: "delete",
    path: "/api/configs/{key}",
    operationId: "deleteConfig",
    summary: "Delete a config",
    description: "Deletes the scope's own row (a global row of the same key then shows through for an org).",
    tags,
    request: { params: KeyParam, query: z.object({ scope: ScopeQuery }) },
    responses: { 204: { description: "Deleted" }, ...errors(400, ...AUTH_ERRORS, 403, 404) },
  });

  registry.registerPath({
    method: "get",
    path: "/api/config-matrix",
    operationId: "getConfigMatrix",
    summary: "Compare every org's configs",
    description:
      "Keys × orgs (admin only), a page of orgs (by name) at a time: every key, its global row and each of the page's orgs' own rows, and whether one of those orgs differs. A secret shows as set or not, never its value.",
    tags,
    request: {
      query: z.object({
        ...CursorQuery,
        limit: z.coerce
          .number()
          .int()
          .min(1)
          .max(1000)
          .optional()
          .meta({ description: `Orgs per page (default ${MATRIX_ORGS_PER_PAGE})` }),
      }),
    },
    responses: {
      200: {
        description: "The matrix",
        headers: LinkHeaders,
        content: { "application/json": { schema: ConfigMatrix } },
      },
      ...errors(400, ...AUTH_ERRORS, 403),
    },
  });
}
