export * from "./secret-key.ts";
export * from "./secret-cipher.ts";
export * from "./secret-key-check.ts";
export * from "./secret-scrubber.ts";
export * from "./key-rotation.ts";
export * from "./scope-scrubbers.ts";
