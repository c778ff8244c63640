// How the database's failures look once Prisma and the drivers have wrapped them. The storage
// layer knows these codes; the HTTP layer only asks whether the database was unavailable.

// Prisma's codes for a database that cannot be reached, timed out, or closed the connection.
const PRISMA_UNAVAILABLE = /^(P1\d{3}|P2024|P2028)$/;
// The driver's own: PostgreSQL connection exceptions (08xxx) and shutdowns (57P01-57P03), sockets.
const DRIVER_UNAVAILABLE = /^(08\w{3}|57P0[123]|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|SQLITE_BUSY|SQLITE_IOERR\w*)$/;
const DRIVER_MESSAGES = /Connection terminated|connection error and is not queryable|Connection is closed/;

/** The database failed (not the request): connection lost, server gone, pool exhausted. */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== "object" || depth > 4) return false;
  const {
    name = "",
    code = "",
    originalCode = "",
    message = "",
    cause,
    meta,
  } = error as {
    name?: string;
    code?: string;
    originalCode?: string;
    message?: string;
    cause?: unknown;
    meta?: { driverAdapterError?: unknown };
  };
  if (
    name === "PrismaClientInitializationError" ||
    name === "PrismaClientUnknownRequestError" ||
    name === "PrismaClientRustPanicError"
  )
    return true;
  if (name === "PrismaClientKnownRequestError" && PRISMA_UNAVAILABLE.test(code)) return true;
  if (
    DRIVER_UNAVAILABLE.test(String(code)) ||
    DRIVER_UNAVAILABLE.test(String(originalCode)) ||
    DRIVER_MESSAGES.test(String(message))
  )
    return true;
  // A raw query's failure (P2010) carries the driver's error in meta.driverAdapterError.
  return isDatabaseUnavailable(cause, depth + 1) || isDatabaseUnavailable(meta?.driverAdapterError, depth + 1);
}

const BUSY = /^SQLITE_BUSY/;

/**
 * SQLite's write lock was held by another connection (SQLITE_BUSY, _SNAPSHOT, ...), however Prisma
 * wrapped it. By codes, and messages only as SQLite starts them: Prisma's messages quote a call's
 * arguments, so a value that says "SQLITE_BUSY" would otherwise be retried as a busy database.
 */
export function isBusyError(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== "object" || depth > 4) return false;
  const { code, originalCode, message, meta, cause } = error as {
    code?: unknown;
    originalCode?: unknown;
    message?: unknown;
    meta?: unknown;
    cause?: unknown;
  };
  if (
    BUSY.test(String(code)) ||
    BUSY.test(String(originalCode)) ||
    BUSY.test(String(message)) ||
    message === "database is locked"
  )
    return true;
  return (
    isBusyError(meta, depth + 1) ||
    isBusyError(cause, depth + 1) ||
    isBusyError((meta as { driverAdapterError?: unknown } | undefined)?.driverAdapterError, depth + 1)
  );
}

const PRISMA_ERRORS = /^PrismaClient\w*Error$/;

/**
 * An error raised by Prisma or a database driver. Their texts can quote a statement's parameters:
 * Prisma's validation errors print the call's arguments (a whole batch of rows), PostgreSQL's
 * `detail` shows a failing row ("Failing row contains (...)") or key, and its messages quote
 * values they could not take (`invalid input syntax for type uuid: "..."`).
 */
export function isDatabaseError(error: unknown): boolean {
  if (!error || typeof error !== "object") return false;
  const {
    name = "",
    constructor,
    code,
    severity,
  } = error as { name?: string; constructor?: { name?: string }; code?: unknown; severity?: unknown };
  const type = constructor?.name ?? "";
  return (
    PRISMA_ERRORS.test(String(name)) ||
    PRISMA_ERRORS.test(type) ||
    name === "DriverAdapterError" ||
    type === "SqliteError" ||
    // pg's DatabaseError (its `name` is "error"): a SQLSTATE and a severity.
    (type === "DatabaseError" && typeof severity === "string" && typeof code === "string")
  );
}

/** Fields of a database error (or its driver's cause) that name things, never hold values. */
const NAME_FIELDS = [
  "kind",
  "originalCode",
  "code",
  "severity",
  "modelName",
  "target",
  "table",
  "column",
  "constraint",
] as const;

/**
 * What of a database error may be logged: its type, codes and the names it gives (table, column,
 * constraint), and its message and stack without any text that may quote a value (see
 * `isDatabaseError`). The driver's `detail`, `where`, `hint` and messages, and Prisma's printout
 * of the call's arguments, are left out.
 */
export function databaseErrorForLog(error: object): Record<string, unknown> {
  const { constructor, name, message, stack, clientVersion, meta, cause } = error as {
    constructor?: { name?: string };
    name?: string;
    message?: unknown;
    stack?: unknown;
    clientVersion?: unknown;
    meta?: { driverAdapterError?: { cause?: unknown } } & Record<string, unknown>;
    cause?: unknown;
  };
  const type = constructor?.name && constructor.name !== "Object" ? constructor.name : (name ?? "Error");
  const safeMessage = messageWithoutValues(String(message ?? ""));
  const frames = typeof stack === "string" ? stack.split("\n").filter((line) => /^\s+at /.test(line)) : [];
  const driver = meta?.driverAdapterError?.cause ?? (name === "DriverAdapterError" ? cause : undefined);
  return {
    type,
    message: safeMessage,
    stack: [`${type}: ${safeMessage}`, ...frames].join("\n"),
    ...namesOf(error),
    ...(clientVersion === undefined ? {} : { clientVersion }),
    ...namesOf(meta),
    ...(driver && typeof driver === "object" ? { driver: namesOf(driver) } : {}),
  };
}

function namesOf(source: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!source || typeof source !== "object") return out;
  for (const field of NAME_FIELDS) {
    const value = (source as Record<string, unknown>)[field];
    if (value !== undefined && value !== null && typeof value !== "function") out[field] = value;
  }
  return out;
}

/**
 * A database error's message without what may quote values. Prisma's form is "Invalid `call`
 * invocation[ in file:line:col]:", then the call's arguments or source lines, then the reason on
 * the last line: the first and the last are kept. Quoted text and byte dumps are elided in what
 * is kept (`invalid input syntax for type uuid: "…"`).
 */
export function messageWithoutValues(message: string): string {
  const lines = message
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
  let kept = lines.join(" ");
  if (lines.length > 1 && /^Invalid `[^`]*` invocation/.test(lines[0])) {
    const header = lines[0].endsWith(" in") ? `${lines[0]} ${lines[1]}` : lines[0];
    const reason = lines[lines.length - 1];
    kept = `${header.replace(/:$/, "")}: ${reason}`;
  }
  return kept
    .replace(/"(?:[^"\\]|\\.)*"/g, '"…"')
    .replace(/'(?:[^'\\]|\\.)*'/g, "'…'")
    .replace(/0x[0-9a-f]{2}(?: 0x[0-9a-f]{2})*/gi, "0x…");
}

/** A unique or primary key constraint refused an INSERT (PostgreSQL 23505; SQLite's CONSTRAINT_PRIMARYKEY/_UNIQUE), however wrapped. */
export function isUniqueViolation(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== "object" || depth > 4) return false;
  const { code, originalCode, meta, cause } = error as {
    code?: unknown;
    originalCode?: unknown;
    meta?: unknown;
    cause?: unknown;
  };
  if (
    [code, originalCode].some(
      (c) => c === "23505" || c === "P2002" || c === "SQLITE_CONSTRAINT_PRIMARYKEY" || c === "SQLITE_CONSTRAINT_UNIQUE",
    )
  )
    return true;
  return (
    isUniqueViolation(cause, depth + 1) ||
    isUniqueViolation((meta as { driverAdapterError?: unknown } | undefined)?.driverAdapterError, depth + 1)
  );
}
