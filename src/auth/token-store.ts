import { sql, type Database, type Transaction } from "../storage/database.ts";
import type { ApiToken } from "../storage/generated/sqlite/client.ts";

/** A token row as the authenticating query reads it: never its hash. */
export type TokenAuthRow = Pick<
  ApiToken,
  "id" | "name" | "role" | "orgId" | "readOnly" | "lastUsedAt" | "expiresAt" | "revokedAt"
>;

/** A token row with its org's name, as lists show it. */
export type TokenListRow = Omit<ApiToken, "tokenHash"> & { org: { id: string; name: string } | null };

export interface NewTokenRow {
  id: string;
  name: string;
  tokenHash: string;
  role: "admin" | "org";
  orgId: string | null;
  readOnly: boolean;
  createdAt: Date;
  expiresAt: Date | null;
}

/**
 * The api_tokens table. Writes take the caller's transaction, so a token and its audit row are
 * written together; the lookup every request makes is SQL on the driver (DirectSql), uncached, so
 * a revoked or expired token is refused on the very next request by every API process.
 */
export class TokenStore {
  constructor(private readonly db: Database) {}

  insert(tx: Transaction, row: NewTokenRow): Promise<unknown> {
    return tx.apiToken.create({ data: row });
  }

  /** Every token (orgId undefined) or one org's, oldest first; revoked and expired ones too. */
  list(orgId: string | undefined): Promise<TokenListRow[]> {
    return this.db.prisma.apiToken.findMany({
      where: orgId === undefined ? {} : { orgId },
      omit: { tokenHash: true },
      include: { org: { select: { id: true, name: true } } },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    });
  }

  find(tx: Transaction, id: string) {
    return tx.apiToken.findUnique({
      where: { id },
      select: { id: true, name: true, role: true, orgId: true, revokedAt: true },
    });
  }

  markRevoked(tx: Transaction, id: string, at: Date): Promise<unknown> {
    return tx.apiToken.update({ where: { id }, data: { revokedAt: at } });
  }

  async findByHash(tokenHash: string): Promise<TokenAuthRow | undefined> {
    const [row] = await this.db.direct.query<TokenAuthRow>(
      sql`SELECT "id", "name", "role", "orgId", "readOnly", "lastUsedAt", "expiresAt", "revokedAt" FROM "api_tokens" WHERE "tokenHash" = ${tokenHash}`,
    );
    return row;
  }

  /**
   * Sets `lastUsedAt` unless another process did within `staleBefore`. Not waiting for the disk:
   * a lost moment of last-use times (power loss) is harmless.
   */
  async touchLastUse(id: string, now: Date, staleBefore: Date): Promise<void> {
    await this.db.direct.batch(
      [
        sql`UPDATE "api_tokens" SET "lastUsedAt" = ${now} WHERE "id" = ${id} AND ("lastUsedAt" IS NULL OR "lastUsedAt" < ${staleBefore})`,
      ],
      { waitForDisk: false },
    );
  }
}
