import { BifrostError } from "./bifrost-error.ts";

export class OrgNotFoundError extends BifrostError<"ORG_NOT_FOUND"> {
  override name = "OrgNotFoundError";
  constructor(readonly org: string) {
    super("ORG_NOT_FOUND", `No org with id or name ${JSON.stringify(org)}`, { org });
  }
}

export class OrgExistsError extends BifrostError<"ORG_EXISTS"> {
  override name = "OrgExistsError";
  constructor(readonly org: string) {
    super("ORG_EXISTS", `An org named ${JSON.stringify(org)} already exists`, { org });
  }
}

/** Deleting an org that still holds configs (without `force`), or that has runs in flight. */
export class OrgNotEmptyError extends BifrostError<"ORG_NOT_EMPTY"> {
  override name = "OrgNotEmptyError";
  constructor(
    message: string,
    readonly contents: { configs: number; activeExecutions: number },
  ) {
    super("ORG_NOT_EMPTY", message, contents);
  }
}

/** No token with that id among those the caller may manage (another org's token looks the same). */
export class TokenNotFoundError extends BifrostError<"TOKEN_NOT_FOUND"> {
  override name = "TokenNotFoundError";
  constructor(readonly tokenId: string) {
    super("TOKEN_NOT_FOUND", `No token with id ${JSON.stringify(tokenId)}`);
  }
}

/** No token, an unknown, expired or revoked one. Deliberately does not say which. */
export class AuthenticationError extends BifrostError<"UNAUTHORIZED"> {
  override name = "AuthenticationError";
  constructor(message = "Missing, invalid, expired or revoked API token: send `Authorization: Bearer <token>`") {
    super("UNAUTHORIZED", message);
  }
}

export class ForbiddenError extends BifrostError<"FORBIDDEN"> {
  override name = "ForbiddenError";
  constructor(message: string) {
    super("FORBIDDEN", message);
  }
}

export class NotFoundError extends BifrostError<"NOT_FOUND"> {
  override name = "NotFoundError";
  constructor(message: string) {
    super("NOT_FOUND", message);
  }
}

/** The secret key is unusable, or does not match what encrypted the stored secrets. Fatal at startup. */
export class SecretKeyError extends BifrostError<"SECRET_KEY_INVALID" | "SECRET_KEY_MISMATCH"> {
  override name = "SecretKeyError";
}

export class MigrationError extends BifrostError<"MIGRATION_ERROR"> {
  override name = "MigrationError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("MIGRATION_ERROR", message, undefined, options);
  }
}
