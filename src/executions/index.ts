export * from "./execution-status.ts";
export * from "./execution-view.ts";
export * from "./execution-store.ts";
export * from "./execution-queue.ts";
export * from "./execution-signals.ts";
export * from "./execution-service.ts";
export * from "./user-config.ts";
