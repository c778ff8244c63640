import type { OpenAPIRegistry } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";
import { Bundle } from "../../../bundles/bundle-format.ts";
import { ImportReport } from "../../../bundles/import-report-view.ts";
import { ScopeImport } from "../../../bundles/scope-import.ts";
import { AUTH_ERRORS, ScopeQuery, TrueFalse, errors, json } from "../openapi-helpers.ts";

const tags = ["Bundles"];

export function registerBundlePaths(registry: OpenAPIRegistry): void {
  const bundle = Bundle.meta({
    id: "Bundle",
    description:
      "Orgs, configs, schedules and webhooks of one or every scope. Portable: secrets without values. A backup: secrets encrypted, with `keyFingerprint`.",
    example: {
      format: "bifrost-ts/bundle",
      version: 1,
      exportedAt: "2026-11-22T10:00:00.000Z",
      portable: true,
      orgs: [{ name: "acme" }],
      configs: [
        { org: null, key: "stripe_api_key", type: "secret", description: "Stripe", value: null },
        { org: "acme", key: "max_retries", type: "int", description: null, value: 5 },
      ],
    },
  });

  registry.registerPath({
    method: "get",
    path: "/api/export",
    operationId: "exportBundle",
    summary: "Export a bundle",
    description:
      "Portable (secrets without values), or a backup with encrypted secrets (`portable=false`: admin only). Without `scope` an admin exports everything; an org token its own org.",
    tags,
    request: {
      query: z.object({ portable: TrueFalse.optional().meta({ description: "Default true" }), scope: ScopeQuery }),
    },
    responses: { 200: json("The bundle (as an attachment)", bundle), ...errors(400, ...AUTH_ERRORS, 403, 404) },
  });

  registry.registerPath({
    method: "post",
    path: "/api/import",
    operationId: "importBundle",
    summary: "Import a bundle (admin)",
    description:
      "All or nothing; orgs are matched by name. `format=bifrost` reads a Python Bifrost configs export instead.",
    tags,
    request: {
      query: z.object({
        dryRun: TrueFalse.optional().meta({ description: "Report without writing (default false)" }),
        format: z.enum(["bundle", "bifrost"]).optional().meta({ description: "Default bundle" }),
      }),
      headers: z.object({
        "Bifrost-Source-Secret-Key": z
          .string()
          .optional()
          .meta({ description: "The key the document's secrets are encrypted under, when not this server's" }),
      }),
      body: { required: true, content: { "application/json": { schema: bundle } } },
    },
    responses: {
      200: json("What it did (or would do)", ImportReport),
      ...errors(400, ...AUTH_ERRORS, 403, 413, 415, 422),
    },
  });

  registry.registerPath({
    method: "post",
    path: "/api/configs/import",
    operationId: "importIntoScope",
    summary: "Import keys into one scope",
    description:
      "A .env or JSON file's keys, typed, into one scope (anyone who may write it): all or nothing, with the bundle import's report. A secret's value is given as its value and stored encrypted; a secret sent again is reported updated, never unchanged. A key without a description keeps its own.",
    tags,
    request: {
      query: z.object({
        scope: ScopeQuery,
        dryRun: TrueFalse.optional().meta({ description: "Report without writing (default false)" }),
      }),
      body: { required: true, content: { "application/json": { schema: ScopeImport } } },
    },
    responses: {
      200: json("What it did (or would do)", ImportReport),
      ...errors(400, ...AUTH_ERRORS, 403, 404, 413, 415),
    },
  });
}
