import { Router } from "express";
import type { WorkflowCatalog } from "./workflow-catalog.ts";
import type { WorkflowList } from "./workflow-view.ts";

/** /api/workflows: what can run (params as JSON Schema), plus the files that failed to load. */
export function workflowRoutes(catalog: WorkflowCatalog): Router {
  const router = Router();
  router.get("/", (_req, res) => {
    const list: WorkflowList = { workflows: catalog.list(), errors: catalog.errors };
    res.json(list);
  });
  return router;
}
