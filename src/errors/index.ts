export * from "./error-codes.ts";
export * from "./bifrost-error.ts";
export * from "./validation-error.ts";
export * from "./config-errors.ts";
export * from "./platform-errors.ts";
export * from "./execution-errors.ts";
export * from "./bundle-errors.ts";
export * from "./trigger-errors.ts";
