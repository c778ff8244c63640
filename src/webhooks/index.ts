export * from "./webhook-secret.ts";
export * from "./webhook-view.ts";
export * from "./webhook-store.ts";
export * from "./webhook-verifier.ts";
export * from "./webhook-service.ts";
