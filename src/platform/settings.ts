import { delimiter, resolve } from "node:path";
import { z } from "zod";
import { ValidationError } from "../errors/index.ts";

/** Process settings, from the environment (names are part of ../shared/CONTRACT.md). */
export const Settings = z.object({
  /** Where local state lives: the default SQLite file and the generated dev key. */
  home: z.string(),
  databaseUrl: z.string().refine((url) => url.startsWith("file:") || /^postgres(ql)?:\/\//.test(url), {
    message: "DATABASE_URL must be file:<path> (SQLite) or postgresql://... (PostgreSQL)",
  }),
  redisUrl: z.string().regex(/^rediss?:\/\//, "REDIS_URL must start with redis:// or rediss://"),
  /** Unset means: generate one into <home>/secret.key (embedded SQLite default only). */
  secretKey: z.string().optional(),
  /**
   * Keys secrets may still be encrypted under, during a rotation (BIFROST_SECRET_KEY_PREVIOUS,
   * comma-separated): readable, never used to encrypt.
   */
  previousSecretKeys: z.array(z.string()),
  port: z.coerce.number().int().min(0).max(65535),
  host: z.string(),
  /** Where workflow files are loaded from: one or more folders (BIFROST_WORKFLOWS_DIR, `:`-separated). */
  workflowsDirs: z.array(z.string()).min(1, "BIFROST_WORKFLOWS_DIR must name at least one folder"),
  queuePrefix: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, "BIFROST_QUEUE_PREFIX: letters, digits, _ . - (1..64)"),
  /** Executions one worker process runs at once. */
  workerConcurrency: z.coerce.number().int().min(1).max(1000),
  /**
   * How long a worker's hold on a running job lasts without renewal; a worker silent for longer
   * (killed, or its event loop blocked) loses the job to the stalled-job check.
   */
  workerLockMs: z.coerce.number().int().min(500).max(600_000),
  /**
   * Finished executions (and their log lines) older than this many days are deleted in the
   * background (BIFROST_EXECUTION_RETENTION_DAYS; "never" keeps them). Fractions allowed.
   */
  executionRetentionDays: z.union([z.literal("never"), z.coerce.number().positive().max(36_500)]),
  /** Audit rows older than this many days are deleted (BIFROST_AUDIT_RETENTION_DAYS; default "never"). */
  auditRetentionDays: z.union([z.literal("never"), z.coerce.number().positive().max(36_500)]),
  /** How often one API process (a Redis lock decides which) runs the retention pass. */
  retentionIntervalMs: z.coerce.number().int().min(100).max(86_400_000),
  /** How often a process checks the workflow files for changes (0: never; they are read once at start). */
  workflowsWatchMs: z.coerce.number().int().min(0).max(600_000),
  /**
   * Store a run's log lines while it runs (BIFROST_LIVE_LOGS, default true), or only when it ends
   * (false): fewer writes for very chatty workflows, but no live view, and a worker that dies loses
   * the lines of the runs it held.
   */
  liveLogs: z
    .enum(["true", "false"], { error: "BIFROST_LIVE_LOGS must be true or false" })
    .transform((v) => v === "true"),
  /** Threads a worker process runs workflow code in (unset: one a core, at least two). */
  workerThreads: z.coerce.number().int().min(1).max(1000).optional(),
  /** The heap a workflow thread may use, in MB, for workflows that set no `memoryLimitMb`. */
  workflowMemoryMb: z.coerce.number().int().min(16).max(65_536),
  /** Failed authentications (401) one client address may make per minute before 429s. */
  authFailuresPerMinute: z.coerce.number().int().min(1).max(1_000_000),
  logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]),
  /** JSON lines, or pretty ones for people; unset: pretty on a terminal, JSON otherwise. */
  logFormat: z.enum(["json", "pretty"]).optional(),
  /** How long a stopping process waits for its runs and connections before it exits anyway. */
  shutdownTimeoutMs: z.coerce.number().int().min(0).max(3_600_000),
  /** A schedule may not fire more often than this (BIFROST_SCHEDULE_MIN_INTERVAL_S). */
  scheduleMinIntervalS: z.coerce.number().int().min(1).max(86_400),
  /**
   * How often a worker checks that Redis holds a job scheduler for every enabled schedule, and
   * rebuilds what is missing (BIFROST_SCHEDULE_SYNC_MS).
   */
  scheduleSyncMs: z.coerce.number().int().min(100).max(3_600_000),
  /** The platform's address as webhook senders reach it, for webhook URLs (BIFROST_PUBLIC_URL); default: the request's own. */
  publicUrl: z.url({ protocol: /^https?$/, error: "BIFROST_PUBLIC_URL must be an http:// or https:// URL" }).optional(),
});
export type Settings = z.infer<typeof Settings>;

export function loadSettings(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Settings {
  const home = resolve(cwd, env.BIFROST_HOME ?? ".bifrost");
  const parsed = Settings.safeParse({
    home,
    databaseUrl: env.DATABASE_URL || `file:${resolve(home, "bifrost.db")}`,
    redisUrl: env.REDIS_URL || "redis://127.0.0.1:6379",
    secretKey: env.BIFROST_SECRET_KEY || undefined,
    previousSecretKeys: (env.BIFROST_SECRET_KEY_PREVIOUS ?? "")
      .split(/[,\n]/)
      .map((k) => k.trim())
      .filter(Boolean),
    port: env.PORT ?? 3000,
    host: env.HOST ?? "127.0.0.1",
    workflowsDirs: (env.BIFROST_WORKFLOWS_DIR || "examples/workflows")
      .split(delimiter)
      .filter(Boolean)
      .map((dir) => resolve(cwd, dir)),
    queuePrefix: env.BIFROST_QUEUE_PREFIX ?? "bifrost",
    workerConcurrency: env.BIFROST_WORKER_CONCURRENCY ?? 10,
    workerLockMs: env.BIFROST_WORKER_LOCK_MS ?? 30_000,
    workerThreads: env.BIFROST_WORKER_THREADS || undefined,
    liveLogs: env.BIFROST_LIVE_LOGS || "true",
    workflowsWatchMs: env.BIFROST_WORKFLOWS_WATCH_MS ?? 1_000,
    executionRetentionDays: env.BIFROST_EXECUTION_RETENTION_DAYS || 30,
    auditRetentionDays: env.BIFROST_AUDIT_RETENTION_DAYS || "never",
    retentionIntervalMs: env.BIFROST_RETENTION_INTERVAL_MS ?? 600_000,
    workflowMemoryMb: env.BIFROST_WORKFLOW_MEMORY_MB ?? 512,
    authFailuresPerMinute: env.BIFROST_AUTH_FAILURES_PER_MINUTE ?? 30,
    logLevel: env.LOG_LEVEL ?? "info",
    logFormat: env.BIFROST_LOG_FORMAT || undefined,
    shutdownTimeoutMs: env.BIFROST_SHUTDOWN_TIMEOUT_MS ?? 30_000,
    scheduleMinIntervalS: env.BIFROST_SCHEDULE_MIN_INTERVAL_S ?? 60,
    scheduleSyncMs: env.BIFROST_SCHEDULE_SYNC_MS ?? 10_000,
    publicUrl: env.BIFROST_PUBLIC_URL || undefined,
  });
  if (!parsed.success) throw ValidationError.fromZod(parsed.error, "env");
  return parsed.data;
}
