import { createRequire } from "node:module";
import { Router } from "express";

/** Redoc's self-contained browser bundle, served from node_modules: the page needs no CDN. */
const REDOC_BUNDLE = createRequire(import.meta.url).resolve("redoc/bundles/redoc.standalone.js");

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>bifrost-ts API reference</title>
  <!-- Redoc's menu links its logo from its CDN; the policy refuses it, so it is not shown either. -->
  <style>img[src*="cdn.redoc.ly"] { display: none; }</style>
</head>
<body>
  <div id="redoc"></div>
  <script src="/api/docs/redoc.standalone.js"></script>
  <script src="/api/docs/init.js"></script>
</body>
</html>
`;

// No inline script, so the page's policy can forbid them; Redoc styles with inline <style>
// (styled-components) and runs its search index in a blob: worker.
const INIT = `Redoc.init("/api/openapi.json", { hideDownloadButton: false, expandResponses: "200,201" }, document.getElementById("redoc"));\n`;
const PAGE_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; worker-src 'self' blob:; font-src 'self' data:; frame-ancestors 'none'";

/** GET /api/docs: the OpenAPI document as a readable reference (no token needed, like the document). */
export function apiDocs(): Router {
  const router = Router();
  router.get("/", (_req, res) => {
    res.set("Content-Security-Policy", PAGE_POLICY).type("html").send(PAGE);
  });
  router.get("/init.js", (_req, res) => {
    res.type("js").send(INIT);
  });
  router.get("/redoc.standalone.js", (_req, res) => {
    res.sendFile(REDOC_BUNDLE, { maxAge: "1d" });
  });
  return router;
}
