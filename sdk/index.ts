/**
 * bifrost-ts/sdk: what workflow authors import.
 *
 * @example
 * import { workflow, config, type ExecutionContext } from "bifrost-ts/sdk";
 *
 * @module bifrost-ts/sdk
 */
import "reflect-metadata";

export { workflow } from "./workflow.ts";
export type { WorkflowOptions } from "./workflow-definition.ts";
export { config, type GetOptions } from "./config.ts";
export type { ConfigTypes, SecretKeys, ConfigKey, SecretKey, ConfigValue } from "./config-types.ts";
export type { ConfigEntry, ConfigSetOptions } from "./config-access.ts";
export type { ExecutionContext, ExecutionLogger, ExecutionLogEntry, UserConfig } from "./execution-context.ts";
export * from "./errors.ts";
// Re-exported so a workflow class can take services in its constructor without a second import path.
export { injectable, inject, singleton } from "tsyringe";
