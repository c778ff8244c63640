export * from "./scope.ts";
export * from "./org-service.ts";
