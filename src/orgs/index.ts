export * from "./scope.ts";
export * from "./org-service.ts";
export * from "./org-store.ts";
