export * from "./workflow-catalog.ts";
