import { describe, expect, it } from "vitest";
import {
  databaseErrorForLog,
  isBusyError,
  isDatabaseError,
  isDatabaseUnavailable,
  messageWithoutValues,
} from "../../src/storage/database-errors.ts";

// The shapes below are copied from errors Prisma 6.19 and its adapters threw on this machine
// (PostgreSQL connections terminated mid-query, SQLite locked by another process).
const driverError = (cause: object) => Object.assign(new Error("driver"), { name: "DriverAdapterError", cause });

describe("database error classification", () => {
  it("sees a raw query's lost connection (P2010 carrying the driver's 57P01)", () => {
    const error = Object.assign(
      new Error("Raw query failed. Code: `57P01`. Message: `terminating connection due to administrator command`"),
      {
        name: "PrismaClientKnownRequestError",
        code: "P2010",
        meta: {
          driverAdapterError: driverError({
            kind: "postgres",
            code: "57P01",
            message: "terminating connection due to administrator command",
          }),
        },
      },
    );
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it("sees Prisma's own connection codes and socket errors", () => {
    expect(
      isDatabaseUnavailable(Object.assign(new Error("x"), { name: "PrismaClientKnownRequestError", code: "P1001" })),
    ).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error("x"), { code: "ECONNREFUSED" }))).toBe(true);
  });

  it("does not take a request's own fault for the database's", () => {
    const unique = Object.assign(new Error("Unique constraint failed"), {
      name: "PrismaClientKnownRequestError",
      code: "P2002",
      meta: { driverAdapterError: driverError({ kind: "UniqueConstraintViolation", constraint: { fields: ["key"] } }) },
    });
    expect(isDatabaseUnavailable(unique)).toBe(false);
    const rawSyntax = Object.assign(new Error("Raw query failed"), {
      name: "PrismaClientKnownRequestError",
      code: "P2010",
      meta: { driverAdapterError: driverError({ kind: "postgres", code: "42601" }) },
    });
    expect(isDatabaseUnavailable(rawSyntax)).toBe(false);
    expect(isDatabaseUnavailable(new Error("boom"))).toBe(false);
  });

  it("sees SQLite's busy codes however they are wrapped", () => {
    expect(
      isBusyError({
        meta: {
          driverAdapterError: driverError({ kind: "sqlite", extendedCode: 517, originalCode: "SQLITE_BUSY_SNAPSHOT" }),
        },
      }),
    ).toBe(true);
    expect(isBusyError(Object.assign(new Error("database is locked"), { code: "SQLITE_BUSY" }))).toBe(true);
    expect(isBusyError(new Error("no such table"))).toBe(false);
    // A value quoted in Prisma's message is not the database's state.
    const quoting = Object.assign(
      new Error(
        '\nInvalid `prisma.execution.update()` invocation:\n{ data: { error: "SQLITE_BUSY lone \\udc00" } }\nInvalid value',
      ),
      { name: "PrismaClientValidationError" },
    );
    expect(isBusyError(quoting)).toBe(false);
  });
});

describe("database errors in the log", () => {
  it("keep Prisma's call and reason, not the arguments or source lines between them", () => {
    const validation =
      '\nInvalid `prisma.$executeRaw()` invocation:\n\n{\n  query: "INSERT ...",\n  parameters: { values: "[\\"gAAAAABsecret\\"]" }\n}\n\nInvalid value for argument `parameters`: unexpected end of hex escape at line 1 column 9. Expected JSON String.';
    expect(messageWithoutValues(validation)).toBe(
      "Invalid `prisma.$executeRaw()` invocation: Invalid value for argument `parameters`: unexpected end of hex escape at line 1 column 9. Expected JSON String.",
    );
    const located =
      "\nInvalid `tx.config.create()` invocation in\n/app/src/configs/config-service.ts:231:27\n\n  228     where,\n→ 231 : await tx.config.create(\nJSON Error: unexpected end of hex escape at line 1 column 252";
    expect(messageWithoutValues(located)).toBe(
      "Invalid `tx.config.create()` invocation in /app/src/configs/config-service.ts:231:27: JSON Error: unexpected end of hex escape at line 1 column 252",
    );
  });

  it("elide quoted text and byte dumps, where drivers quote values", () => {
    expect(messageWithoutValues('invalid input syntax for type uuid: "s3cr3t-value"')).toBe(
      'invalid input syntax for type uuid: "…"',
    );
    expect(messageWithoutValues('invalid byte sequence for encoding "UTF8": 0xed 0xa0 0x80')).toBe(
      'invalid byte sequence for encoding "…": 0x…',
    );
    expect(messageWithoutValues("near 'x' : syntax error")).toBe("near '…' : syntax error");
  });

  it("are logged with their codes and names only", () => {
    const error = Object.assign(new Error("Raw query failed. Code: `23514`."), {
      name: "PrismaClientKnownRequestError",
      code: "P2010",
      meta: {
        driverAdapterError: driverError({
          kind: "postgres",
          code: "23514",
          message: "violates",
          detail: "Failing row contains (gAAAAABsecret)",
        }),
      },
    });
    expect(isDatabaseError(error)).toBe(true);
    const logged = databaseErrorForLog(error);
    expect(JSON.stringify(logged)).not.toContain("gAAAAABsecret");
    expect(logged).toMatchObject({ type: "Error", code: "P2010", driver: { kind: "postgres", code: "23514" } });
    expect(isDatabaseError(new Error("ordinary"))).toBe(false);
  });
});
