import type { z } from "zod";
import type { SecretKey } from "./config-types.ts";

/** What `@workflow({...})` takes. */
export interface WorkflowOptions<
  P extends z.ZodType | undefined = z.ZodType | undefined,
  R extends z.ZodType | undefined = z.ZodType | undefined,
> {
  /** Unique name; how the API and CLI call it (`[a-z0-9_]`, 1..100). */
  name: string;
  description?: string;
  /** For grouping in lists and the console. */
  category?: string;
  /**
   * Validates the params of every execution; exposed as JSON Schema by `GET /api/workflows`. The
   * method's second parameter is what it parses to (`z.infer<typeof params>`); without `params`,
   * the method takes none.
   */
  params?: P;
  /**
   * Validates what the method returns: a run whose result does not match fails with
   * `RESULT_INVALID`, listing each problem. Exposed as JSON Schema (MCP's `outputSchema`).
   */
  result?: R;
  /** Offer it to AI agents as an MCP tool. @defaultValue false */
  tool?: boolean;
  /**
   * The secret keys this workflow may read with `config.get`. Any other secret read fails. With
   * `bifrost types`, a key that is no secret of the config store is a compile error.
   */
  secrets?: SecretKey[];
  /**
   * The per-user config (`Config-<Name>` request headers, read with `ctx.userConfig.get`) this
   * workflow needs. A start without one of them fails before queueing (`USER_CONFIG_MISSING`);
   * `bifrost mcp config` lists them as headers for AI clients. Names fold as the headers do
   * (case-insensitive, `_` matches `-`).
   */
  userConfig?: string[];
  /** Only reads, changes nothing: MCP clients see `readOnlyHint` and may call it without asking. @defaultValue false */
  readOnly?: boolean;
  /**
   * Abort the run (`ctx.signal`) and end it as `timeout` after this long.
   * @defaultValue 300000 (5 minutes)
   */
  timeoutMs?: number;
  /**
   * How many times a failed run is tried again.
   * @defaultValue 0
   */
  retries?: number;
  /**
   * The most heap the thread running it may use, in MB: past it, the thread is stopped and its
   * runs fail, saying so. Runs of workflows with the same limit share threads.
   * @defaultValue the worker's BIFROST_WORKFLOW_MEMORY_MB (512)
   */
  memoryLimitMb?: number;
}

/** A decorated method, as the registry holds it. */
export interface WorkflowDefinition {
  name: string;
  description: string | null;
  category: string | null;
  params: z.ZodType | null;
  result: z.ZodType | null;
  tool: boolean;
  secrets: string[];
  /** Normalized names (normalizeUserConfigName: lower case, `-` for `_`). */
  userConfig: string[];
  readOnly: boolean;
  timeoutMs: number;
  retries: number;
  /** null: the worker's default. */
  memoryLimitMb: number | null;
  /** The class that holds the method; resolved through tsyringe for each run. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tsyringe's own constructor type
  target: new (...args: any[]) => object;
  method: string;
}
