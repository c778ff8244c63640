// Builds the web console into console/dist (run by `npm ci` through postinstall, and by
// `npm run console:build`). Vite is a dev dependency: an install without dev dependencies skips
// the build with a note, and the server then says how to build it.
import { fileURLToPath } from "node:url";

let build;
try {
  ({ build } = await import("vite"));
} catch {
  console.warn("bifrost: vite is not installed (dev dependencies omitted?): the web console was not built");
  process.exit(0);
}
await build({ configFile: fileURLToPath(new URL("../console/vite.config.ts", import.meta.url)), logLevel: "warn" });
console.log("bifrost: web console built into console/dist");
