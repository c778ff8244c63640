import { defineConfig } from "vitest/config";

// Unit tests run once; integration tests run once per database, so both backends pass the same suite.
const integration = ["test/integration/**/*.test.ts", "test/e2e/**/*.test.ts"];

export default defineConfig(({ mode }) => ({
  test: {
    exclude: ["node_modules/**", "dist/**"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // `npm run screenshots` (--mode screenshots): the console tests write README's pictures.
    env: mode === "screenshots" ? { BIFROST_SCREENSHOTS: "docs/images" } : {},
    projects: [
      { extends: true, test: { name: "unit", include: ["test/unit/**/*.test.ts"] } },
      { extends: true, test: { name: "sqlite", include: integration, env: { BIFROST_TEST_DB: "sqlite" } } },
      { extends: true, test: { name: "postgresql", include: integration, env: { BIFROST_TEST_DB: "postgresql" } } },
    ],
  },
}));
