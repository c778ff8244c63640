/** Import rules `npm test` keeps (docs/development.md, "Rules a machine keeps"). */

// What sdk/ may use of src/: pure modules (no database, queue, HTTP or platform service), shared
// with the platform so that authors' tests check and scrub exactly as the worker does.
const SHARED_LEAVES =
  "^src/(errors/|configs/(config-(key|type|value)|import-file)[.]ts$|storage/storable-json[.]ts$|executions/user-config[.]ts$|" +
  "secrets/(secret-scrubber|secret-forms|gram-index|redaction|nul-skipping|structured-scrub)[.]ts$)";

module.exports = {
  forbidden: [
    {
      name: "no-cycles",
      severity: "error",
      comment: "An import cycle makes load order matter.",
      from: {},
      to: { circular: true },
    },
    {
      name: "sdk-only-shared-leaves",
      severity: "error",
      comment: "sdk/ is what authors import: it may use the platform's shared leaves, never its internals.",
      from: { path: "^sdk/" },
      to: { path: "^src/", pathNot: SHARED_LEAVES },
    },
    {
      name: "shared-leaves-stay-leaves",
      severity: "error",
      comment:
        "A shared leaf imports only other shared leaves (types aside), or sdk/ would reach the platform through it.",
      from: { path: SHARED_LEAVES },
      to: { path: "^src/", pathNot: SHARED_LEAVES, dependencyTypesNot: ["type-only"] },
    },
    {
      name: "console-only-leaves",
      severity: "error",
      comment:
        "The console runs in a browser: of src/ it may use pure shared leaves and, as types only, the API's views.",
      from: { path: "^console/src/" },
      to: { path: "^src/", pathNot: [SHARED_LEAVES, "^src/.+-view[.]ts$"] },
    },
    {
      name: "console-views-as-types",
      severity: "error",
      comment: "A view module holds zod schemas: the console takes its types, never the schemas themselves.",
      from: { path: "^console/src/" },
      to: { path: "^src/.+-view[.]ts$", dependencyTypesNot: ["type-only"] },
    },
    {
      name: "storage-not-platform",
      severity: "error",
      comment: "storage/ is below the composition root.",
      from: { path: "^src/storage/" },
      to: { path: "^src/platform/" },
    },
    {
      name: "src-not-workers",
      severity: "error",
      comment: "workers/ is a deployable built on src/ (bin/bifrost.mjs composes them).",
      from: { path: "^src/" },
      to: { path: "^workers/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    exclude: { path: "^(console/dist|dist|node_modules|src/storage/generated)" },
  },
};
