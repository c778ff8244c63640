/** What a workflow thread's environment leaves out of the worker's: the key, the database, Redis. */
const WITHHELD = /^(BIFROST_.*|DATABASE_URL|REDIS_URL|PG[A-Z_]*)$/;

/**
 * The environment a workflow thread gets: the worker's, without the platform's own settings and
 * credentials (BIFROST_*: the secret key among them; DATABASE_URL, REDIS_URL and libpq's PG*).
 * Workflows read credentials through `config`, where they are declared, audited and scrubbed.
 */
export function threadEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined && !WITHHELD.test(name)) out[name] = value;
  return out;
}
