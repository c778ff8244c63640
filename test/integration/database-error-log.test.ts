import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join, sql } from "../../src/storage/database.ts";
import { findLeaks, makeSecret, needlesFor, type TestSecret } from "../support/leak-search.ts";
import { startTestPlatform, type TestPlatform } from "../support/test-platform.ts";

// A statement that fails must not put its parameters into the server log: a batch insert of
// secrets carries their ciphertexts, and the database's or Prisma's error about it can quote them.

/** A Fernet token (version byte 0x80, then a timestamp): any of them in a log line is a leak. */
const FERNET_TOKEN = /gAAAAA[A-Za-z0-9_-]{40,}/;

let t: TestPlatform;
const secrets = Array.from({ length: 3 }, (_, i) => makeSecret(`import secret ${i}`, { special: true }));

beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(() => t?.close());

/** The log searched for every form of each plaintext, for its ciphertexts, and for any Fernet token. */
function expectNoSecretIn(log: string, ciphertexts: string[], plaintexts: TestSecret[]) {
  expect(findLeaks([{ where: "server log", content: log }], plaintexts.flatMap(needlesFor))).toEqual([]);
  for (const ciphertext of ciphertexts) expect(log.includes(ciphertext), "a ciphertext is in the log").toBe(false);
  expect(log.match(FERNET_TOKEN)?.[0] ?? null, "a Fernet token is in the log").toBeNull();
}

/** Makes the database itself refuse a configs row with this key, as a constraint it holds would. */
async function refuseKeyInDatabase(key: string): Promise<void> {
  if (t.db.provider === "sqlite") {
    const { default: Sqlite } = await import("better-sqlite3");
    const connection = new Sqlite(t.db.file!);
    connection.exec(
      `CREATE TRIGGER "refuse_${key}" BEFORE INSERT ON "configs" WHEN NEW."key" = '${key}' BEGIN SELECT RAISE(ABORT, 'refused by a test trigger'); END`,
    );
    connection.close();
    return;
  }
  // A CHECK constraint: PostgreSQL's error about it details the whole failing row.
  const client = new pg.Client({ connectionString: t.db.url });
  await client.connect();
  await client.query(`ALTER TABLE "configs" ADD CONSTRAINT "refuse_${key}" CHECK ("key" <> '${key}')`);
  await client.end();
}

describe("a failing batch insert", () => {
  it("of an import, refused by the database, is logged without the rows it carried", async () => {
    const admin = t.api(t.adminToken);
    for (const [i, secret] of secrets.entries())
      await admin("PUT", `/api/configs/import_secret_${i}`, { type: "secret", value: secret.plaintext });
    const backup = (await admin("GET", "/api/export?portable=false")).body;
    for (const entry of backup.configs) entry.key = `${entry.key}_copy`;
    // The failing row is a secret, last in the batch: the error is about the row holding a ciphertext.
    backup.configs.at(-1).key = "refused_copy";
    await refuseKeyInDatabase("refused_copy");

    const answer = await admin("POST", "/api/import", backup);
    expect(answer.status).toBe(500);
    expect(answer.body.error.code).toBe("INTERNAL_ERROR");
    expect(await t.platform.db.prisma.config.count({ where: { key: { endsWith: "_copy" } } })).toBe(0);
    const log = t.logs();
    expect(log).toMatch(/"msg":"unhandled error"/);
    expectNoSecretIn(log, backup.configs.map((c: { encrypted?: string }) => c.encrypted).filter(Boolean), secrets);
  });

  it("that Prisma refuses to send is logged without its parameters, whatever logged it", async () => {
    const secret = makeSecret("batch secret");
    const token = t.platform.cipher.encrypt(secret.plaintext).token;
    const now = new Date();
    const row = (key: string, encrypted: string | null, description: string | null) =>
      sql`(${randomUUID()}, 'global', ${null}, ${key}, 'secret', ${null}, ${encrypted}, ${t.platform.cipher.fingerprint}, ${description}, ${now}, 'test', ${now}, 'test')`;
    // A lone surrogate is no Unicode text: Prisma refuses the statement, printing its call.
    const failed = await t.platform.db
      .write(
        (tx) =>
          tx.$executeRaw`INSERT INTO "configs" ("id", "scope", "orgId", "key", "type", "value", "encrypted", "keyFingerprint", "description", "createdAt", "createdBy", "updatedAt", "updatedBy") VALUES ${join([row("batch_a", token, null), row("batch_b", token, "lone \ud800")])}`,
      )
      .then(
        () => null,
        (error: unknown) => error,
      );
    expect(failed).toBeInstanceOf(Error);
    expect(String((failed as Error).message)).toContain(token); // what the log must not repeat

    const logger = t.platform.logger;
    logger.error({ err: failed }, "as the error handler logs");
    logger.error(failed as Error, "as an error given first");
    logger.error({ err: new Error("a wrapper", { cause: failed }) }, "as the cause of another error");
    logger.flush();
    const log = t.logs();
    expect(log).toContain("as the cause of another error");
    expectNoSecretIn(log, [token], [secret]);
    // What is kept says what went wrong.
    const line = JSON.parse(log.split("\n").find((l) => l.includes("as the error handler logs"))!);
    expect(line.err).toMatchObject({ type: "PrismaClientValidationError" });
    expect(line.err.message).toMatch(/^Invalid `\S+` invocation: Invalid value for argument `parameters`/);
  });
});
