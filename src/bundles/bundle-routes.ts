import { Router, type Response } from "express";
import { z } from "zod";
import { assertAdmin, assertCanManageScope, isAdmin } from "../auth/index.ts";
import { principalOf } from "../http/authenticate.ts";
import { requestScope } from "../http/request-scope.ts";
import { jsonBody, parseInput } from "../http/validate.ts";
import type { OrgService } from "../orgs/index.ts";
import { bifrostImportSource } from "./bifrost-export.ts";
import { bundleImportSource } from "./bundle-format.ts";
import type { BundleExporter } from "./bundle-exporter.ts";
import type { BundleImporter } from "./bundle-importer.ts";
import { scopeImportSource } from "./scope-import.ts";

/** The header that carries the key a backup's (or a Bifrost export's) secrets are encrypted under. */
export const SOURCE_SECRET_KEY_HEADER = "bifrost-source-secret-key";

const Flag = z.enum(["true", "false"]).transform((v) => v === "true");
const ExportQuery = z.object({ portable: Flag.default(true), scope: z.string().optional() });
const ImportQuery = z.object({ dryRun: Flag.default(false), format: z.enum(["bundle", "bifrost"]).default("bundle") });
const ScopeImportQuery = z.object({ dryRun: Flag.default(false) });

/** GET /api/export (a bundle, streamed), POST /api/import and POST /api/configs/import (the report). */
export function bundleRoutes(exporter: BundleExporter, importer: BundleImporter, orgs: OrgService): Router {
  const router = Router();

  router.get("/export", async (req, res) => {
    const principal = principalOf(res);
    const query = parseInput(ExportQuery, req.query, "query");
    // A backup carries ciphertexts: only an admin may take one. An org token exports its own org.
    if (!query.portable) assertAdmin(principal, "export a backup (portable=false); export with portable=true");
    const scope = query.scope === undefined && isAdmin(principal) ? undefined : await requestScope(orgs, req, res);
    if (scope) assertCanManageScope(principal, scope);
    res.type("application/json");
    res.attachment(`bifrost-${query.portable ? "bundle" : "backup"}-${new Date().toISOString().slice(0, 10)}.json`);
    for await (const chunk of exporter.export({ portable: query.portable, scope, actor: principal.actor })) {
      // The client went away (while we waited for it, or for the database): leaving the loop ends
      // the export (its generator), unaudited.
      if (res.destroyed) return;
      if (!res.write(chunk)) await drainedOrClosed(res);
      if (res.destroyed) return;
    }
    res.end();
  });

  router.post("/import", async (req, res) => {
    const principal = principalOf(res);
    assertAdmin(principal, "import bundles");
    const query = parseInput(ImportQuery, req.query, "query");
    const document = jsonBody(req);
    const source = query.format === "bifrost" ? bifrostImportSource(document) : bundleImportSource(document);
    const sourceKey = req.headers[SOURCE_SECRET_KEY_HEADER];
    const report = await importer.import(source, {
      dryRun: query.dryRun,
      sourceSecretKey: typeof sourceKey === "string" && sourceKey.length > 0 ? sourceKey : undefined,
      actor: principal.actor,
      format: query.format,
    });
    res.json(report);
  });

  // One scope's keys from a .env or JSON file (the console's import), secrets as values: anyone who
  // may write the scope. All or nothing, with the same report; a dry run writes nothing.
  router.post("/configs/import", async (req, res) => {
    const principal = principalOf(res);
    const scope = await requestScope(orgs, req, res);
    assertCanManageScope(principal, scope);
    const { dryRun } = parseInput(ScopeImportQuery, { dryRun: req.query.dryRun }, "query");
    const report = await importer.import(scopeImportSource(scope, jsonBody(req)), {
      dryRun,
      actor: principal.actor,
      format: "scope",
      auditScope: scope.kind === "org" ? scope.org.id : "global",
    });
    res.json(report);
  });

  return router;
}

/** Waits until `res` can take more, or is closed (a client that left never drains it). */
function drainedOrClosed(res: Response): Promise<void> {
  if (res.destroyed || !res.writableNeedDrain) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}
