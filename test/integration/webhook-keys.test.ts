import { createHmac } from "node:crypto";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/logging/logger.ts";
import { openPlatform } from "../../src/platform/platform.ts";
import { loadSettings } from "../../src/platform/settings.ts";
import { createTestDatabase, type TestDatabase } from "../support/test-database.ts";
import { startTestPlatform } from "../support/test-platform.ts";
import { runCli } from "./cli-runner.ts";

// A webhook's signing secret is a secret under BIFROST_SECRET_KEY like config secrets: the startup
// key check counts it, and `bifrost keys rotate` re-encrypts it.

const OLD = "old-hook-key-0123456789-0123456789-012345";
const NEW = "new-hook-key-0123456789-0123456789-012345";

let db: TestDatabase;
afterAll(() => db?.drop());

function signed(secret: string, id: string, body: string): Record<string, string> {
  const timestamp = Math.floor(Date.now() / 1000);
  const key = Buffer.from(secret.slice("whsec_".length), "base64");
  return {
    "webhook-id": id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": `v1,${createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64")}`,
  };
}

describe("webhook secrets and the secret key", () => {
  it(
    "are counted by the startup check, read under a previous key, and re-encrypted by `bifrost keys rotate`",
    { timeout: 90_000 },
    async () => {
      db = await createTestDatabase();
      const before = await startTestPlatform({ db, secretKey: OLD });
      const { body: hook } = await before.api(before.adminToken)("POST", "/api/webhooks", { workflow: "noop" });
      await before.close();

      const refused = await openPlatform({
        settings: loadSettings({ BIFROST_HOME: join(db.dir, "home"), DATABASE_URL: db.url, BIFROST_SECRET_KEY: NEW }),
        logger: createLogger({ level: "silent" }),
      }).catch((e) => e);
      expect(refused).toMatchObject({ code: "SECRET_KEY_MISMATCH", message: expect.stringContaining("1 secret(s)") });

      const during = await startTestPlatform({ db, secretKey: NEW, previousSecretKeys: OLD });
      try {
        const url = `${during.url}/hooks/${hook.id}`;
        const deliver = (id: string) =>
          fetch(url, { method: "POST", headers: signed(hook.secret, id, "{}"), body: "{}" });
        expect((await deliver("msg_during")).status).toBe(202);

        const env = during.env();
        const status = JSON.parse((await runCli(["keys", "status", "--json"], { env })).stdout);
        expect(status.done).toBe(false);
        expect(status.keys.find((k: { role: string }) => k.role === "previous").secrets).toBe(1);
        const rotation = await runCli(["keys", "rotate"], { env });
        expect(rotation.code, rotation.stderr).toBe(0);
        expect(rotation.stdout).toBe("rotated 1 secret(s); 0 left under other keys\n");
        const row = await during.platform.db.prisma.webhook.findUniqueOrThrow({ where: { id: hook.id } });
        expect(row.keyFingerprint).toBe(during.platform.cipher.fingerprint);
        expect(JSON.parse((await runCli(["keys", "status", "--json"], { env })).stdout).done).toBe(true);
      } finally {
        await during.close();
      }

      // The old key can go: the platform starts without it and the hook's secret still verifies.
      const after = await startTestPlatform({ db, secretKey: NEW });
      try {
        const res = await fetch(`${after.url}/hooks/${hook.id}`, {
          method: "POST",
          headers: signed(hook.secret, "msg_after", "{}"),
          body: "{}",
        });
        expect(res.status).toBe(202);
      } finally {
        await after.close();
      }
    },
  );
});
