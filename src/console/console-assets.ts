import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import express, { Router } from "express";

/** Where `npm run console:build` (also run by `npm ci`) writes the built console. */
export const CONSOLE_DIST = fileURLToPath(new URL("../../console/dist/", import.meta.url));

/**
 * The web console at `/`: its built files, and index.html for every other page path (the console
 * routes in the browser). It talks to the same origin's /api like any other client.
 */
export function consoleAssets(dist = CONSOLE_DIST): Router {
  const router = Router();
  const index = `${dist}index.html`;
  router.use(
    (_req, res, next) => {
      // The console only ever loads its own files and talks to its own origin.
      res.setHeader(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
      );
      res.setHeader("X-Content-Type-Options", "nosniff");
      next();
    },
    express.static(dist, { index: false, maxAge: "1h" }),
  );
  router.get(/^\/(?!api\/|admin\/|health$).*/, (_req, res) => {
    if (!existsSync(index)) {
      res.status(503).type("text").send("The console is not built: run `npm run console:build` (npm ci does it).");
      return;
    }
    res.setHeader("Cache-Control", "no-cache");
    res.sendFile(index);
  });
  return router;
}
