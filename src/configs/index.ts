export * from "./config-key.ts";
export * from "./config-type.ts";
export * from "./config-value.ts";
export * from "./config-view.ts";
export * from "./config-service.ts";
export * from "./config-store.ts";
export * from "./config-write.ts";
export * from "./execution-config-reader.ts";
