import { describe, expect, it } from "vitest";
import { isBusyError, isDatabaseUnavailable } from "../../src/storage/database-errors.ts";

// The shapes below are copied from errors Prisma 6.19 and its adapters threw on this machine
// (PostgreSQL connections terminated mid-query, SQLite locked by another process).
const driverError = (cause: object) => Object.assign(new Error("driver"), { name: "DriverAdapterError", cause });

describe("database error classification", () => {
  it("sees a raw query's lost connection (P2010 carrying the driver's 57P01)", () => {
    const error = Object.assign(new Error("Raw query failed. Code: `57P01`. Message: `terminating connection due to administrator command`"), {
      name: "PrismaClientKnownRequestError",
      code: "P2010",
      meta: { driverAdapterError: driverError({ kind: "postgres", code: "57P01", message: "terminating connection due to administrator command" }) },
    });
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it("sees Prisma's own connection codes and socket errors", () => {
    expect(isDatabaseUnavailable(Object.assign(new Error("x"), { name: "PrismaClientKnownRequestError", code: "P1001" }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error("x"), { code: "ECONNREFUSED" }))).toBe(true);
  });

  it("does not take a request's own fault for the database's", () => {
    const unique = Object.assign(new Error("Unique constraint failed"), {
      name: "PrismaClientKnownRequestError",
      code: "P2002",
      meta: { driverAdapterError: driverError({ kind: "UniqueConstraintViolation", constraint: { fields: ["key"] } }) },
    });
    expect(isDatabaseUnavailable(unique)).toBe(false);
    const rawSyntax = Object.assign(new Error("Raw query failed"), { name: "PrismaClientKnownRequestError", code: "P2010", meta: { driverAdapterError: driverError({ kind: "postgres", code: "42601" }) } });
    expect(isDatabaseUnavailable(rawSyntax)).toBe(false);
    expect(isDatabaseUnavailable(new Error("boom"))).toBe(false);
  });

  it("sees SQLite's busy codes however they are wrapped", () => {
    expect(isBusyError({ meta: { driverAdapterError: driverError({ kind: "sqlite", extendedCode: 517, originalCode: "SQLITE_BUSY_SNAPSHOT" }) } })).toBe(true);
    expect(isBusyError(new Error("no such table"))).toBe(false);
  });
});
