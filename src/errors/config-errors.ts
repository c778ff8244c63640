import { BifrostError } from "./bifrost-error.ts";

/** A config key that is not of the canonical form once normalized. */
export class InvalidConfigKeyError extends BifrostError<"INVALID_CONFIG_KEY"> {
  override name = "InvalidConfigKeyError";
  constructor(
    readonly key: string,
    readonly reason: string,
  ) {
    super("INVALID_CONFIG_KEY", `Invalid config key ${JSON.stringify(truncate(key))}: ${reason}`, {
      key: truncate(key),
    });
  }
}

/** A value that its declared type does not accept. The message names the key and the type, never the value. */
export class InvalidConfigValueError extends BifrostError<"INVALID_CONFIG_VALUE"> {
  override name = "InvalidConfigValueError";
  constructor(
    readonly key: string,
    readonly type: string,
    readonly reason: string,
  ) {
    super("INVALID_CONFIG_VALUE", `Invalid value for config "${key}" of type ${type}: ${reason}`, { key, type });
  }
}

/** No row for the key in the org, nor at global scope. */
export class ConfigNotFoundError extends BifrostError<"CONFIG_NOT_FOUND"> {
  override name = "ConfigNotFoundError";
  constructor(
    readonly key: string,
    readonly scope: string,
  ) {
    super(
      "CONFIG_NOT_FOUND",
      scope === "global"
        ? `Config "${key}" is not set at global scope`
        : `Config "${key}" is not set for org ${scope} nor at global scope`,
      { key, scope },
    );
  }
}

/** A create-only write (`If-None-Match: *`) met a key that the scope already holds. */
export class ConfigExistsError extends BifrostError<"CONFIG_EXISTS"> {
  override name = "ConfigExistsError";
  constructor(
    readonly key: string,
    readonly scope: string,
  ) {
    super(
      "CONFIG_EXISTS",
      `Config "${key}" already exists ${scope === "global" ? "at global scope" : `in org ${scope}`}: edit it instead`,
      { key, scope },
    );
  }
}

/** A typed getter (getInt, getBool, ...) asked for a config stored as another type. */
export class ConfigTypeError extends BifrostError<"CONFIG_TYPE_ERROR"> {
  override name = "ConfigTypeError";
  constructor(
    readonly key: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super("CONFIG_TYPE_ERROR", `Config "${key}" is of type ${actual}, not ${expected}`, { key, expected, actual });
  }
}

/** A workflow read a secret it did not declare in `@workflow({ secrets })`. */
export class SecretAccessError extends BifrostError<"SECRET_ACCESS_DENIED"> {
  override name = "SecretAccessError";
  constructor(
    readonly key: string,
    readonly workflow: string,
  ) {
    super(
      "SECRET_ACCESS_DENIED",
      `Workflow "${workflow}" read secret "${key}" without declaring it: add "${key}" to secrets in its @workflow options`,
      { key, workflow },
    );
  }
}

/**
 * A run tried to write outside what whoever started it may change: an org token's run (and a
 * schedule's or webhook's, which act for their own scope) stays in its org.
 */
export class ScopeAccessError extends BifrostError<"SCOPE_ACCESS_DENIED"> {
  override name = "ScopeAccessError";
  constructor(
    readonly key: string,
    readonly workflow: string,
  ) {
    super(
      "SCOPE_ACCESS_DENIED",
      `Workflow "${workflow}" may not set "${key}" at global scope: this run acts for its org only (global configs can be changed by a run an admin token started)`,
      { key, workflow },
    );
  }
}

/** A run tried to store a secret value (one it read, or a per-user config value) as a plain config anyone in its scope could read. */
export class SecretCopyError extends BifrostError<"SECRET_COPY_DENIED"> {
  override name = "SecretCopyError";
  constructor(
    readonly key: string,
    readonly workflow: string,
  ) {
    super(
      "SECRET_COPY_DENIED",
      `Workflow "${workflow}" tried to store a secret value in "${key}", which is not a secret: store it with { secret: true }, or store something else`,
      { key, workflow },
    );
  }
}

/** A secret row exists but has no value (it was imported from a portable bundle). */
export class SecretValueMissingError extends BifrostError<"SECRET_VALUE_MISSING"> {
  override name = "SecretValueMissingError";
  constructor(
    readonly key: string,
    readonly scope: string,
    readonly orgName: string | null,
  ) {
    const where = orgName ? `org "${orgName}"` : "global scope";
    const flag = orgName ? ` --org ${orgName}` : "";
    super(
      "SECRET_VALUE_MISSING",
      `Secret "${key}" at ${where} has no value yet (imported without it): set it with \`bifrost config set ${key} --secret${flag}\``,
      { key, scope },
    );
  }
}

function truncate(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
