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
  const { name = "", code = "", originalCode = "", message = "", cause, meta } = error as { name?: string; code?: string; originalCode?: string; message?: string; cause?: unknown; meta?: { driverAdapterError?: unknown } };
  if (name === "PrismaClientInitializationError" || name === "PrismaClientUnknownRequestError" || name === "PrismaClientRustPanicError") return true;
  if (name === "PrismaClientKnownRequestError" && PRISMA_UNAVAILABLE.test(code)) return true;
  if (DRIVER_UNAVAILABLE.test(String(code)) || DRIVER_UNAVAILABLE.test(String(originalCode)) || DRIVER_MESSAGES.test(String(message))) return true;
  // A raw query's failure (P2010) carries the driver's error in meta.driverAdapterError.
  return isDatabaseUnavailable(cause, depth + 1) || isDatabaseUnavailable(meta?.driverAdapterError, depth + 1);
}

const BUSY = /SQLITE_BUSY/;

/** SQLite's write lock was held by another connection (SQLITE_BUSY, _SNAPSHOT, ...), however Prisma wrapped it. */
export function isBusyError(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== "object" || depth > 4) return false;
  const { code, originalCode, message, meta, cause } = error as { code?: unknown; originalCode?: unknown; message?: unknown; meta?: unknown; cause?: unknown };
  if (BUSY.test(String(code)) || BUSY.test(String(originalCode)) || BUSY.test(String(message))) return true;
  return isBusyError(meta, depth + 1) || isBusyError(cause, depth + 1) || isBusyError((meta as { driverAdapterError?: unknown } | undefined)?.driverAdapterError, depth + 1);
}

/** A unique or primary key constraint refused an INSERT (PostgreSQL 23505; SQLite's CONSTRAINT_PRIMARYKEY/_UNIQUE), however wrapped. */
export function isUniqueViolation(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== "object" || depth > 4) return false;
  const { code, originalCode, meta, cause } = error as { code?: unknown; originalCode?: unknown; meta?: unknown; cause?: unknown };
  if ([code, originalCode].some((c) => c === "23505" || c === "P2002" || c === "SQLITE_CONSTRAINT_PRIMARYKEY" || c === "SQLITE_CONSTRAINT_UNIQUE")) return true;
  return isUniqueViolation(cause, depth + 1) || isUniqueViolation((meta as { driverAdapterError?: unknown } | undefined)?.driverAdapterError, depth + 1);
}
