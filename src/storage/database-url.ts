/** Whether a `DATABASE_URL` names the embedded SQLite file (`file:<path>`) rather than PostgreSQL. */
export function isSqliteUrl(url: string): boolean {
  return url.startsWith("file:");
}
