import { createHash, randomBytes, randomUUID } from "node:crypto";
import { z } from "zod";
import { AuthenticationError, ValidationError } from "../errors/index.ts";
import type { AuditLog } from "../audit/index.ts";
import type { OrgRef } from "../orgs/index.ts";
import { sql, type Database } from "../storage/database.ts";
import type { ApiToken } from "../storage/generated/sqlite/client.ts";
import type { Principal } from "./principal.ts";

// The prefix makes a leaked token recognizable to secret scanners and to people.
const TOKEN_PREFIX = "bft_";
const TOKEN_FORMAT = /^bft_[A-Za-z0-9_-]{43}$/;

const TokenName = z.string().trim().min(1).max(100).regex(/^[A-Za-z0-9 ._@:-]+$/, "letters, digits, spaces and . _ @ : -");

export interface CreatedToken {
  id: string;
  name: string;
  role: "admin" | "org";
  org: OrgRef | null;
  /** Shown once; only its SHA-256 is stored. */
  token: string;
}

/**
 * API tokens: 32 random bytes, stored as SHA-256 (a fast hash is right here: the token has 256 bits
 * of entropy, so there is nothing to brute-force, unlike a password).
 */
export class TokenService {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditLog,
  ) {}

  async create(options: { role: "admin" } | { role: "org"; org: OrgRef }, rawName: string | undefined, actor: string): Promise<CreatedToken> {
    const org = options.role === "org" ? options.org : null;
    const parsed = TokenName.safeParse(rawName ?? (org ? `${org.name}-token` : "admin"));
    if (!parsed.success) throw ValidationError.fromZod(parsed.error, "name");
    const token = TOKEN_PREFIX + randomBytes(32).toString("base64url");
    const id = randomUUID();
    await this.db.write(async (tx) => {
      await tx.apiToken.create({ data: { id, name: parsed.data, tokenHash: hashToken(token), role: options.role, orgId: org?.id ?? null } });
      await this.audit.record(tx, { actor, action: "token.create", scope: org?.id ?? "global", details: { tokenId: id, role: options.role, name: parsed.data } });
    });
    return { id, name: parsed.data, role: options.role, org, token };
  }

  /** The principal for an `Authorization` header value. @throws AuthenticationError */
  async authenticate(header: string | undefined): Promise<Principal> {
    const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
    if (!match || !TOKEN_FORMAT.test(match[1])) throw new AuthenticationError();
    // Every request comes here: SQL on the driver (see DirectSql), and no cache, so a revoked
    // token is refused at once.
    const [row] = await this.db.direct.query<Pick<ApiToken, "id" | "name" | "role" | "orgId" | "revokedAt">>(
      sql`SELECT "id", "name", "role", "orgId", "revokedAt" FROM "api_tokens" WHERE "tokenHash" = ${hashToken(match[1])}`,
    );
    if (!row || row.revokedAt) throw new AuthenticationError();
    const actor = `token:${row.name}`;
    if (row.role === "admin") return { kind: "admin", actor, tokenId: row.id };
    if (!row.orgId) throw new AuthenticationError();
    return { kind: "org", actor, tokenId: row.id, orgId: row.orgId };
  }
}

function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
