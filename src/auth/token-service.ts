import { createHash, randomBytes, randomUUID } from "node:crypto";
import { AuthenticationError, TokenNotFoundError, ValidationError } from "../errors/index.ts";
import type { AuditLog } from "../audit/index.ts";
import type { Logger } from "../logging/logger.ts";
import type { OrgRef } from "../orgs/index.ts";
import type { Database } from "../storage/database.ts";
import type { Principal } from "./principal.ts";
import { TokenName } from "./token-input.ts";
import type { CreatedToken, TokenView } from "./token-view.ts";
import { TokenLastUse } from "./token-last-use.ts";
import type { TokenStore } from "./token-store.ts";

// The prefix makes a leaked token recognizable to secret scanners and to people.
const TOKEN_PREFIX = "bft_";
const TOKEN_FORMAT = /^bft_[A-Za-z0-9_-]{43}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What a new token is: its kind (and org), and optionally read-only and how long it lives. */
export type TokenSpec = ({ role: "admin" } | { role: "org"; org: OrgRef }) & {
  readOnly?: boolean;
  /** How long it lives, as ExpiresIn (`90m`, `12h`, `30d`) gives it; omitted: it never expires. */
  lifetimeMs?: number;
};

export type { CreatedToken, TokenView } from "./token-view.ts";

/**
 * API tokens: 32 random bytes, stored as SHA-256 (a fast hash is right here: the token has 256 bits
 * of entropy, so there is nothing to brute-force, unlike a password). Who may create, list and
 * revoke which is access-policy.ts's to say; this trusts its caller.
 */
export class TokenService {
  private readonly lastUse: TokenLastUse;

  constructor(
    private readonly store: TokenStore,
    private readonly db: Pick<Database, "write">,
    private readonly audit: AuditLog,
    logger?: Logger,
  ) {
    this.lastUse = new TokenLastUse(store, logger);
  }

  /** @param rawName default: `<org>-token` or `admin` */
  async create(spec: TokenSpec, rawName: string | undefined, actor: string): Promise<CreatedToken> {
    const org = spec.role === "org" ? spec.org : null;
    const name = TokenName.safeParse(rawName ?? (org ? `${org.name}-token` : "admin"));
    if (!name.success) throw ValidationError.fromZod(name.error, "name");
    const token = TOKEN_PREFIX + randomBytes(32).toString("base64url");
    const id = randomUUID();
    const readOnly = spec.readOnly ?? false;
    const createdAt = new Date();
    const expiresAt = spec.lifetimeMs === undefined ? null : new Date(createdAt.getTime() + spec.lifetimeMs);
    await this.db.write(async (tx) => {
      await this.store.insert(tx, {
        id,
        name: name.data,
        tokenHash: hashToken(token),
        role: spec.role,
        orgId: org?.id ?? null,
        readOnly,
        createdAt,
        expiresAt,
      });
      await this.audit.record(tx, {
        actor,
        action: "token.create",
        scope: org?.id ?? "global",
        details: {
          tokenId: id,
          role: spec.role,
          name: name.data,
          readOnly,
          expiresAt: expiresAt?.toISOString() ?? null,
        },
      });
    });
    return {
      id,
      name: name.data,
      kind: spec.role,
      org: org && { id: org.id, name: org.name },
      readOnly,
      createdAt: createdAt.toISOString(),
      lastUsedAt: null,
      expiresAt: expiresAt?.toISOString() ?? null,
      revokedAt: null,
      token,
    };
  }

  /** Every token (orgId undefined) or one org's, oldest first; revoked and expired ones too. */
  async list(orgId: string | undefined): Promise<TokenView[]> {
    const rows = await this.store.list(orgId);
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      kind: row.role === "admin" ? "admin" : "org",
      org: row.org && { id: row.org.id, name: row.org.name },
      readOnly: row.readOnly,
      createdAt: row.createdAt.toISOString(),
      lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
      expiresAt: row.expiresAt?.toISOString() ?? null,
      revokedAt: row.revokedAt?.toISOString() ?? null,
    }));
  }

  /**
   * Revokes token `id`, effective on the very next request (every request reads the token's row).
   * Revoking a revoked token changes nothing.
   * @param orgId when given, only a token of this org is found: another's is TokenNotFoundError too
   */
  async revoke(id: string, orgId: string | undefined, actor: string): Promise<void> {
    if (!UUID.test(id)) throw new TokenNotFoundError(id);
    await this.db.write(async (tx) => {
      const row = await this.store.find(tx, id.toLowerCase());
      if (!row || (orgId !== undefined && row.orgId !== orgId)) throw new TokenNotFoundError(id);
      if (row.revokedAt) return;
      await this.store.markRevoked(tx, row.id, new Date());
      await this.audit.record(tx, {
        actor,
        action: "token.revoke",
        scope: row.orgId ?? "global",
        details: { tokenId: row.id, role: row.role, name: row.name },
      });
    });
  }

  /** The principal for an `Authorization` header value. @throws AuthenticationError */
  async authenticate(header: string | undefined): Promise<Principal> {
    const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
    if (!match || !TOKEN_FORMAT.test(match[1])) throw new AuthenticationError();
    // Every request comes here; the store reads the row uncached (a revoked token fails at once).
    const row = await this.store.findByHash(hashToken(match[1]));
    const now = new Date();
    if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= now)) throw new AuthenticationError();
    const actor = `token:${row.name}`;
    const readOnly = Boolean(row.readOnly);
    let principal: Principal;
    if (row.role === "admin") principal = { kind: "admin", actor, tokenId: row.id, readOnly };
    else if (row.orgId) principal = { kind: "org", actor, tokenId: row.id, orgId: row.orgId, readOnly };
    else throw new AuthenticationError();
    this.lastUse.record(row.id, row.lastUsedAt, now);
    return principal;
  }

  /** Resolves once the last-use writes started so far have ended (before closing the database). */
  settled(): Promise<void> {
    return this.lastUse.settled();
  }
}

function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
