export * from "./principal.ts";
export * from "./access-policy.ts";
export * from "./token-input.ts";
export * from "./token-service.ts";
export * from "./token-store.ts";
