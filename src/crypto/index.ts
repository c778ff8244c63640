export * from "./fernet.ts";
export * from "./key-derivation.ts";
export * from "./key-fingerprint.ts";
