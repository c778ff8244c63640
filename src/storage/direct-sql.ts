import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import type { Prisma } from "./generated/sqlite/client.ts";

/** A statement built with `sql` (database.ts): its text for either placeholder style, and its values. */
export type SqlStatement = Prisma.Sql;

/** What one statement of a batch gave: its rows (SELECT, RETURNING) and how many rows it changed. */
export interface StatementResult {
  rows: Record<string, unknown>[];
  count: number;
}

export interface BatchOptions {
  /**
   * false: the commit does not wait for the disk (SQLite `synchronous = NORMAL` in WAL mode,
   * PostgreSQL `synchronous_commit = off`). A crash of the program loses nothing and nothing is
   * ever half-written, but a power loss or OS crash may undo the last moment's batches. Only for
   * records that are rebuilt from elsewhere (execution bookkeeping: its jobs live in Redis).
   * Default true.
   */
  waitForDisk?: boolean;
}

/**
 * Statements run on the database driver itself (better-sqlite3, pg), past Prisma's query compiler
 * and result interpreter: for the few statements that run thousands of times a second (an
 * execution's create, claim and finish, the token lookup, the scrubber's secrets, config lists).
 * Measured with `npm run bench:profile`: through Prisma, even `$queryRaw` costs ~0.1–0.5 ms of CPU
 * a statement, most of a run's cost; on the driver, a prepared SQLite statement costs microseconds.
 *
 * Rows come back as `$queryRaw` gives them: DateTime columns as Date, Boolean columns as boolean.
 */
export interface DirectSql {
  /** A read, outside any transaction (never sees another write's uncommitted rows). */
  query<T>(statement: SqlStatement): Promise<T[]>;
  /**
   * Statements in one write transaction, all or none, sent in one round trip where the driver
   * allows (PostgreSQL): a batch of N writes costs one wait for the server instead of N + 2.
   * On SQLite it holds the file's write lock from its start (BEGIN IMMEDIATE), after this
   * process's other write transaction (`Database.write`), if any, has ended.
   */
  batch(statements: SqlStatement[], options?: BatchOptions): Promise<StatementResult[]>;
  close(): Promise<void>;
}

/**
 * One write transaction at a time in this process, whichever connection it uses. SQLite has one
 * writer per file; a second connection of this process asking for the lock while the first holds
 * it across an `await` would block the event loop in busy_timeout, and the first could never finish.
 */
export class WriteLock {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

// ---------------------------------------------------------------------------------------------
// SQLite

type Conversion = "date" | "boolean" | null;

interface Prepared {
  statement: BetterSqlite3.Statement;
  /** Per result column: how to turn SQLite's storage class into what Prisma would return. */
  columns: { name: string; conversion: Conversion }[] | null;
}

/** Values as Prisma's SQLite adapter stores them, so rows written here read back the same through Prisma. */
function sqliteValue(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString().replace("Z", "+00:00");
  if (typeof value === "boolean") return value ? 1 : 0;
  return value === undefined ? null : value;
}

function sqliteDate(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "number" || typeof value === "bigint") return new Date(Number(value));
  const text = String(value);
  // CURRENT_TIMESTAMP's form ("YYYY-MM-DD HH:MM:SS") is UTC without saying so.
  return new Date(text.includes("T") ? text : `${text.replace(" ", "T")}Z`);
}

const MAX_PREPARED = 500;

/** One connection and its prepared statements. */
class SqliteConnection {
  private readonly prepared = new Map<string, Prepared>();
  readonly connection: BetterSqlite3.Database;

  constructor(path: string) {
    this.connection = new BetterSqlite3(path);
    // The same settings as Prisma's connection (database.ts): WAL, wait for the write lock, enforce keys.
    this.connection.pragma("journal_mode = WAL");
    this.connection.pragma("busy_timeout = 10000");
    this.connection.pragma("foreign_keys = ON");
  }

  /** Runs one statement at once (better-sqlite3 is synchronous). */
  run(statement: SqlStatement): StatementResult {
    const { statement: prepared, columns } = this.prepare(statement.sql);
    const values = statement.values.map(sqliteValue);
    if (!columns) return { rows: [], count: prepared.run(...values).changes };
    const rows = prepared.all(...values) as Record<string, unknown>[];
    const converted = columns.filter((c) => c.conversion !== null);
    if (converted.length > 0) {
      for (const row of rows) {
        for (const { name, conversion } of converted) {
          const value = row[name];
          row[name] = conversion === "date" ? sqliteDate(value) : value === null ? null : Boolean(value);
        }
      }
    }
    // For a write with RETURNING, the rows it returned are the rows it changed.
    return { rows, count: rows.length };
  }

  private prepare(text: string): Prepared {
    let found = this.prepared.get(text);
    if (!found) {
      const statement = this.connection.prepare(text);
      const columns = statement.reader
        ? statement.columns().map((c) => {
            const type = (c.type ?? "").toUpperCase();
            return {
              name: c.name,
              conversion: (type === "DATETIME" ? "date" : type === "BOOLEAN" ? "boolean" : null) as Conversion,
            };
          })
        : null;
      found = { statement, columns };
      this.prepared.set(text, found);
      // IN lists of every length are distinct texts: keep the most recently prepared ones only.
      if (this.prepared.size > MAX_PREPARED) this.prepared.delete(this.prepared.keys().next().value!);
    }
    return found;
  }
}

/**
 * Two connections of its own beside Prisma's: one for reads, one for write transactions, so a
 * read never sees the rows of a transaction that is still open (a connection sees its own).
 */
export function openSqliteDirect(
  path: string,
  lock: WriteLock,
  retryWhileBusy: <T>(run: () => Promise<T>) => Promise<T>,
): DirectSql {
  const reader = new SqliteConnection(path);
  const writer = new SqliteConnection(path);
  const { connection } = writer;
  const begin = connection.prepare("BEGIN IMMEDIATE");
  const commit = connection.prepare("COMMIT");
  const rollback = connection.prepare("ROLLBACK");
  // The connection's setting, so that it is changed only when a batch needs the other one: a
  // PRAGMA is compiled anew on each call (~16 µs here, measured; three batches per run).
  let synchronous: string | null = null;
  return {
    query<T>(statement: SqlStatement) {
      return Promise.resolve(reader.run(statement).rows as T[]);
    },
    batch: (statements, options = {}) =>
      lock.run(() =>
        retryWhileBusy(async () => {
          // Per batch: the setting is the connection's, and cannot change inside a transaction.
          const wanted = options.waitForDisk === false ? "NORMAL" : "FULL";
          if (synchronous !== wanted) {
            connection.pragma(`synchronous = ${wanted}`);
            synchronous = wanted;
          }
          begin.run();
          try {
            const results = statements.map((statement) => writer.run(statement));
            commit.run();
            return results;
          } catch (error) {
            if (connection.inTransaction) rollback.run();
            throw error;
          }
        }),
      ),
    close: async () => {
      reader.connection.close();
      connection.close();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

const TIMESTAMP_OID = 1114;
const INT8_OID = 20;

// Prisma stores DateTime as `timestamp(3)` (no time zone) in UTC; pg alone would read it as local time.
const types = {
  getTypeParser: (oid: number, format?: "text" | "binary") => {
    if (oid === TIMESTAMP_OID) return (text: string) => new Date(`${text.replace(" ", "T")}Z`);
    if (oid === INT8_OID) return (text: string) => Number(text);
    return pg.types.getTypeParser(oid, format as "text");
  },
};

/** Dates as UTC text: a `timestamp` column ignores the zone, so pg's local-time rendering would shift them. */
function pgValue(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  return value === undefined ? null : value;
}

/** Distinct statement texts a process prepares on each PostgreSQL connection, at most. */
const PG_MAX_PREPARED = 100;

/** On the pool Prisma's adapter uses too (database.ts), so the process holds one set of connections. */
export function openPgDirect(pool: pg.Pool): DirectSql {
  const prepared = new PreparedStatements();
  const readNames = new StatementNames("bifrost_read_");
  return {
    async query(statement) {
      // Named, pg prepares the statement once per connection and runs it from its plan after that
      // (~15–30 µs of PostgreSQL's CPU less per read, measured on the token lookup and the
      // revisions read). A migration that changed what it returns fails it once on each connection
      // that had it; pool.query drops such a connection, so the read is tried again on another.
      const { text } = statement; // a getter that builds the text anew each time
      const config = { name: readNames.of(text), text, values: statement.values.map(pgValue), types } as pg.QueryConfig;
      for (let attempt = 1; ; attempt++) {
        try {
          return (await pool.query(config)).rows;
        } catch (error) {
          if (!isStalePlan(error) || attempt > pool.options.max) throw error;
        }
      }
    },
    async batch(statements, options = {}) {
      if (statements.length === 0) return [];
      // One simple-protocol query: PostgreSQL runs its statements as one transaction (all or
      // none) and answers them together. That protocol takes no parameters, so values are
      // written in as literals by pg's own escaping: as EXECUTE's arguments for a prepared
      // statement (typed by its parameters, which PostgreSQL inferred from the columns they meet),
      // else into the statement. SET LOCAL ends with that transaction.
      const relaxed = options.waitForDisk === false ? ["SET LOCAL synchronous_commit TO off"] : [];
      const run = async (client: pg.PoolClient) => {
        const names = await prepared.on(client, statements);
        const text = [
          ...relaxed,
          ...statements.map((statement, i) => (names[i] ? executed(names[i], statement) : inlined(statement))),
        ].join(";\n");
        const result = (await client.query({ text, types } as pg.QueryConfig)) as pg.QueryResult | pg.QueryResult[];
        return (Array.isArray(result) ? result : [result])
          .slice(relaxed.length)
          .map((r) => ({ rows: r.rows, count: r.rowCount ?? 0 }));
      };
      const client = await pool.connect();
      // While the connection is ours, pg-pool no longer listens for its 'error' (a socket reset,
      // say), and an 'error' nobody hears ends the process. The query in flight fails with it.
      const ignore = () => {};
      client.on("error", ignore);
      try {
        const results = await run(client).catch(async (error: unknown) => {
          if (!isStalePlan(error)) throw error;
          // A migration (another process's, say) changed the rows a prepared statement returns:
          // the batch was rolled back whole, so prepare again on this connection and run it once more.
          await client.query(
            prepared
              .forget(client)
              .map((name) => `DEALLOCATE ${name}`)
              .join(";\n"),
          );
          return run(client);
        });
        client.release();
        return results;
      } catch (error) {
        // As pool.query does: a connection whose query failed is not reused.
        client.release(error as Error);
        throw error;
      } finally {
        client.removeListener("error", ignore);
      }
    },
    close: async () => {},
  };
}

/**
 * Write statements of batches, prepared once on each connection (`PREPARE`) and then run by name
 * (`EXECUTE`). In a simple-protocol batch PostgreSQL parses and plans every statement anew: for an
 * execution's claim and finish (an UPDATE of a table with five indexes) that took ~80–100 µs of
 * its CPU each, against ~30 µs run from a prepared plan (measured on 20,000 of each, batches of
 * 50), and all three of a run's writes cost it ~120 µs less (about a seventh of what a run costs
 * the machine, all processes counted).
 */
class PreparedStatements {
  private readonly names = new StatementNames("bifrost_");
  /** Texts PostgreSQL cannot prepare (a parameter whose type it cannot infer): always inlined. */
  private readonly refused = new Set<string>();
  private readonly onConnection = new WeakMap<pg.PoolClient, Set<string>>();

  /** The name of each statement, prepared on `client` by now, or null for one to inline. */
  async on(client: pg.PoolClient, statements: SqlStatement[]): Promise<(string | null)[]> {
    let ready = this.onConnection.get(client);
    if (!ready) this.onConnection.set(client, (ready = new Set()));
    const names: (string | null)[] = [];
    for (const { text } of statements) {
      const name = this.refused.has(text) ? undefined : this.names.of(text);
      if (name && !ready.has(name)) {
        try {
          await client.query(`PREPARE ${name} AS ${text}`);
          ready.add(name);
        } catch (error) {
          // Any other failure (a lost connection, a lock timeout, a table not there yet) fails the batch, as running it would.
          if (!(error instanceof pg.DatabaseError) || !UNTYPABLE.has(error.code ?? "")) throw error;
          this.refused.add(text);
          names.push(null);
          continue;
        }
      }
      names.push(name ?? null);
    }
    return names;
  }

  /** Forgets what was prepared on `client`; returns the names, for the caller to `DEALLOCATE`. */
  forget(client: pg.PoolClient): string[] {
    const names = [...(this.onConnection.get(client) ?? [])];
    this.onConnection.delete(client);
    return names;
  }
}

/** PREPARE's refusals of a text as such: indeterminate_datatype, ambiguous_function ("operator is not unique"), ambiguous_parameter. */
const UNTYPABLE = new Set(["42P18", "42725", "42P08"]);

/** A name for each distinct statement text, up to PG_MAX_PREPARED of them (then none: IN lists of every length). */
class StatementNames {
  private readonly names = new Map<string, string>();
  constructor(private readonly prefix: string) {}

  of(text: string): string | undefined {
    let name = this.names.get(text);
    if (!name && this.names.size < PG_MAX_PREPARED)
      this.names.set(text, (name = `${this.prefix}${this.names.size + 1}`));
    return name;
  }
}

/** PostgreSQL refusing to run a prepared statement whose result columns a schema change altered. */
function isStalePlan(error: unknown): boolean {
  return (
    error instanceof pg.DatabaseError &&
    error.code === "0A000" &&
    /cached plan must not change result type/.test(error.message)
  );
}

/** A statement run by the name it was prepared under, its values written in as SQL literals. */
function executed(name: string, statement: SqlStatement): string {
  return statement.values.length === 0
    ? `EXECUTE ${name}`
    : `EXECUTE ${name}(${statement.values.map(pgLiteral).join(", ")})`;
}

/** A statement with its values written in as SQL literals (for PostgreSQL's simple query protocol). */
function inlined(statement: SqlStatement): string {
  const { strings, values } = statement;
  let text = strings[0];
  for (let i = 0; i < values.length; i++) text += pgLiteral(values[i]) + strings[i + 1];
  return text;
}

function pgLiteral(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new TypeError(`${value} cannot be stored`);
    return String(value);
  }
  if (value instanceof Date) return `'${value.toISOString()}'`;
  if (typeof value === "string") return pg.escapeLiteral(value);
  throw new TypeError(`A ${typeof value} cannot be written into SQL`);
}
