import { z } from "zod";
import type { AuditLog } from "../audit/index.ts";
import { ValidationError, WebhookNotFoundError, WorkflowNotFoundError } from "../errors/index.ts";
import type { ExecutionService } from "../executions/execution-service.ts";
import { GLOBAL_SCOPE, orgScope, scopeId, type OrgService, type Scope } from "../orgs/index.ts";
import type { SecretCipher } from "../secrets/index.ts";
import type { Database } from "../storage/database.ts";
import type { WorkflowCatalog } from "../workflows/index.ts";
import { isWebhookId, newWebhookId, newWebhookSecret } from "./webhook-secret.ts";
import type { WebhookFilter, WebhookStore } from "./webhook-store.ts";
import { verifyDelivery, type DeliveryHeaders } from "./webhook-verifier.ts";
import { toWebhookView, type WebhookRow, type WebhookView, type WebhookWithSecret } from "./webhook-view.ts";

export const WebhookCreate = z.strictObject({
  workflow: z.string().min(1).max(100),
  description: z
    .string()
    .max(1000, "a description is at most 1000 characters")
    .refine((text) => !text.includes("\u0000"), "a description must not contain NUL characters")
    .nullable()
    .optional(),
});

/** A `webhook-id` is the replay key: kept to what a sender's message id looks like. */
const MessageId = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/, "printable ASCII without spaces");

/** What an accepted delivery started (or, for a replay, had started). */
export interface Delivery {
  executionId: string;
  replayed: boolean;
}

/**
 * The rules of inbound webhooks: a hook runs one workflow for its own scope; its signing secret
 * is made here, shown once (on create and on rotation) and stored Fernet-encrypted under the
 * platform's key, like config secrets; every change is audited. A delivery is checked as Standard
 * Webhooks v1 before anything else is done with it, and its `webhook-id` is its key for 24 h
 * (ExecutionKeys): a replay answers the run the first delivery started.
 */
export class WebhookService {
  constructor(
    private readonly db: Database,
    private readonly store: WebhookStore,
    private readonly audit: AuditLog,
    private readonly cipher: SecretCipher,
    private readonly catalog: WorkflowCatalog,
    private readonly orgs: OrgService,
    private readonly executions: ExecutionService,
  ) {}

  async create(scope: Scope, body: unknown, actor: string, baseUrl: string): Promise<WebhookWithSecret> {
    const parsed = WebhookCreate.safeParse(body);
    if (!parsed.success) throw ValidationError.fromZod(parsed.error, "body");
    const { workflow, description } = parsed.data;
    if (!this.catalog.get(workflow)) throw new WorkflowNotFoundError(workflow);
    const secret = newWebhookSecret();
    const encrypted = this.cipher.encrypt(secret);
    const row = await this.db.write(async (tx) => {
      const created = await this.store.create(tx, {
        id: newWebhookId(),
        scope: scopeId(scope),
        orgId: scope.kind === "org" ? scope.org.id : null,
        workflow,
        description: description ?? null,
        encrypted: encrypted.token,
        keyFingerprint: encrypted.keyFingerprint,
        createdBy: actor,
      });
      await this.audit.record(tx, {
        actor,
        action: "webhook.create",
        scope: created.scope,
        details: { webhook: created.id, workflow },
      });
      return created;
    });
    return { ...toWebhookView(row, scope.kind === "org" ? scope.org.name : null, baseUrl), secret };
  }

  /** The webhook `id`, or null (also for a string that cannot be a webhook id). */
  async find(id: string): Promise<WebhookRow | null> {
    return isWebhookId(id) ? this.store.find(id) : null;
  }

  async list(filter: WebhookFilter, baseUrl: string): Promise<WebhookView[]> {
    const rows = await this.store.list(filter);
    const names = await this.store.orgNames(rows.map((r) => r.orgId));
    return rows.map((row) => toWebhookView(row, row.orgId ? (names.get(row.orgId) ?? null) : null, baseUrl));
  }

  async rotateSecret(row: WebhookRow, actor: string, baseUrl: string): Promise<WebhookWithSecret> {
    const secret = newWebhookSecret();
    const updated = await this.db.write(async (tx) => {
      const next = await this.store.setSecret(tx, row.id, this.cipher.encrypt(secret));
      await this.audit.record(tx, {
        actor,
        action: "webhook.rotate_secret",
        scope: row.scope,
        details: { webhook: row.id, workflow: row.workflow },
      });
      return next;
    });
    const names = await this.store.orgNames([row.orgId]);
    return { ...toWebhookView(updated, row.orgId ? (names.get(row.orgId) ?? null) : null, baseUrl), secret };
  }

  async delete(row: WebhookRow, actor: string): Promise<void> {
    await this.db.write(async (tx) => {
      if (await this.store.delete(tx, row.id))
        await this.audit.record(tx, {
          actor,
          action: "webhook.delete",
          scope: row.scope,
          details: { webhook: row.id, workflow: row.workflow },
        });
    });
  }

  /**
   * An inbound delivery to hook `id`: its signature first (nothing is recorded for a delivery
   * that fails it), then its `webhook-id` (a replay within 24 h answers the first run), then the
   * body, the workflow's params (a JSON body; an empty one is `{}`), checked as for any run.
   */
  async deliver(id: string, rawBody: Buffer, headers: DeliveryHeaders): Promise<Delivery> {
    const hook = await this.find(id);
    if (!hook) throw new WebhookNotFoundError(id);
    const secret = this.cipher.decrypt(hook.encrypted, `the secret of webhook ${hook.id}`, hook.keyFingerprint);
    const messageId = verifyDelivery(secret, rawBody, headers);
    const key = MessageId.safeParse(messageId);
    if (!key.success) throw ValidationError.fromZod(key.error, "headers.webhook-id");
    const params = parseBody(rawBody);
    const scope = hook.orgId ? orgScope(await this.orgs.get(hook.orgId)) : GLOBAL_SCOPE;
    const started = await this.executions.startOnce(
      {
        workflow: hook.workflow,
        scope,
        params,
        userConfig: {},
        actor: `webhook:${hook.id}`,
        authority: "scope",
        trigger: "webhook",
      },
      `webhook:${hook.id}:${key.data}`,
    );
    return { executionId: started.row.id, replayed: started.replayed };
  }
}

function parseBody(rawBody: Buffer): unknown {
  if (rawBody.length === 0) return {};
  try {
    return JSON.parse(rawBody.toString("utf8"));
  } catch {
    throw new ValidationError([
      { path: "body", message: "not valid JSON: a webhook's body is its workflow's params, as JSON" },
    ]);
  }
}
