import { AuditLog } from "../audit/index.ts";
import { BundleExporter } from "../bundles/bundle-exporter.ts";
import { BundleImporter } from "../bundles/bundle-importer.ts";
import { TokenService, TokenStore } from "../auth/index.ts";
import { ConfigService, ConfigStore } from "../configs/index.ts";
import { createLogger, type Logger } from "../logging/logger.ts";
import { OrgService, OrgStore } from "../orgs/index.ts";
import { SecretCipher, assertSecretKeyMatches, loadPreviousSecretKeys, loadSecretKey } from "../secrets/index.ts";
import { openDatabase, type Database } from "../storage/database.ts";
import { migrate } from "../storage/migrator.ts";
import { loadSettings, type Settings } from "./settings.ts";

/** The services every entry point (API, CLI, worker) shares. Built once per process. */
export interface Platform {
  settings: Settings;
  logger: Logger;
  db: Database;
  cipher: SecretCipher;
  audit: AuditLog;
  orgs: OrgService;
  configs: ConfigService;
  tokens: TokenService;
  bundleExporter: BundleExporter;
  bundleImporter: BundleImporter;
  close(): Promise<void>;
}

export interface PlatformOptions {
  settings?: Settings;
  logger?: Logger;
  /** Apply pending migrations first (default true). */
  migrate?: boolean;
}

/**
 * Opens the database, applies migrations, loads the secret key and refuses to go on when the
 * key does not match the stored secrets. Everything fatal happens here, before a port is opened.
 */
export async function openPlatform(options: PlatformOptions = {}): Promise<Platform> {
  const settings = options.settings ?? loadSettings();
  const logger =
    options.logger ??
    createLogger({
      level: settings.logLevel,
      pretty: settings.logFormat === "pretty" || (settings.logFormat === undefined && process.stdout.isTTY),
    });
  const secretKey = loadSecretKey(settings, logger);
  const cipher = new SecretCipher(secretKey, loadPreviousSecretKeys(settings));
  const db = await openDatabase(settings.databaseUrl);
  try {
    if (options.migrate !== false) {
      const applied = await migrate(db);
      if (applied.length > 0)
        logger.info({ migrations: applied, database: db.displayUrl }, "applied database migrations");
    }
    await assertSecretKeyMatches(db.prisma, cipher);
  } catch (error) {
    await db.close();
    throw error;
  }
  const audit = new AuditLog(db.prisma);
  const orgs = new OrgService(new OrgStore(db), db, audit);
  const tokens = new TokenService(new TokenStore(db), db, audit, logger);
  return {
    settings,
    logger,
    db,
    cipher,
    audit,
    orgs,
    configs: new ConfigService(new ConfigStore(db), db, cipher, audit),
    tokens,
    bundleExporter: new BundleExporter(db, cipher, audit),
    bundleImporter: new BundleImporter(db, cipher, audit, settings.scheduleMinIntervalS),
    close: async () => {
      // A token's last-use write may still be on its way (it never holds up a request).
      await tokens.settled();
      await db.close();
    },
  };
}
