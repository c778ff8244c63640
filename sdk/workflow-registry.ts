import type { WorkflowDefinition } from "./workflow-definition.ts";

// Shared through globalThis so that a workflow file which resolves the SDK through another path
// (a symlink, a second copy) still registers where the loader looks. Internal: not exported from index.ts.
const REGISTRY = Symbol.for("bifrost-ts/workflow-registry");

type Registry = WorkflowDefinition[];

function registry(): Registry {
  const holder = globalThis as unknown as Record<symbol, Registry | undefined>;
  return (holder[REGISTRY] ??= []);
}

export function registerWorkflow(definition: WorkflowDefinition): void {
  registry().push(definition);
}

/** Definitions registered since `mark` (from `registryMark()`), i.e. by the file just imported. */
export function workflowsSince(mark: number): WorkflowDefinition[] {
  return registry().slice(mark);
}

export function registryMark(): number {
  return registry().length;
}

/** The workflow a class method was registered as, or undefined. */
export function findWorkflow(target: object, method: string): WorkflowDefinition | undefined {
  return registry().find((d) => d.target === target && d.method === method);
}
