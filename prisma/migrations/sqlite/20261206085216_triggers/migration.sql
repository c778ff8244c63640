-- CreateTable
CREATE TABLE "execution_keys" (
    "scope" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "executionId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("scope", "key")
);

-- CreateTable
CREATE TABLE "schedules" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "scope" TEXT NOT NULL,
    "orgId" TEXT,
    "workflow" TEXT NOT NULL,
    "cron" TEXT NOT NULL,
    "timezone" TEXT NOT NULL,
    "params" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL,
    "overlap" TEXT NOT NULL,
    "lastRunAt" DATETIME,
    "lastExecutionId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdBy" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    "updatedBy" TEXT NOT NULL,
    CONSTRAINT "schedules_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "orgs" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "webhooks" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "scope" TEXT NOT NULL,
    "orgId" TEXT,
    "workflow" TEXT NOT NULL,
    "description" TEXT,
    "encrypted" TEXT NOT NULL,
    "keyFingerprint" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdBy" TEXT NOT NULL,
    "secretRotatedAt" DATETIME,
    CONSTRAINT "webhooks_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "orgs" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_executions" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "workflow" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "orgId" TEXT,
    "status" TEXT NOT NULL,
    "params" TEXT NOT NULL,
    "result" TEXT,
    "error" TEXT,
    "logs" TEXT NOT NULL DEFAULT '[]',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "hasUserConfig" BOOLEAN NOT NULL DEFAULT false,
    "trigger" TEXT NOT NULL DEFAULT 'api',
    "workerId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdBy" TEXT NOT NULL,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    "durationMs" INTEGER,
    "authority" TEXT NOT NULL DEFAULT 'scope'
);
INSERT INTO "new_executions" ("attempts", "authority", "createdAt", "createdBy", "durationMs", "error", "finishedAt", "hasUserConfig", "id", "logs", "orgId", "params", "result", "scope", "startedAt", "status", "workflow") SELECT "attempts", "authority", "createdAt", "createdBy", "durationMs", "error", "finishedAt", "hasUserConfig", "id", "logs", "orgId", "params", "result", "scope", "startedAt", "status", "workflow" FROM "executions";
DROP TABLE "executions";
ALTER TABLE "new_executions" RENAME TO "executions";
CREATE INDEX "executions_status_idx" ON "executions"("status");
CREATE INDEX "executions_workflow_idx" ON "executions"("workflow");
CREATE INDEX "executions_scope_idx" ON "executions"("scope");
CREATE INDEX "executions_createdAt_idx" ON "executions"("createdAt");
CREATE INDEX "executions_trigger_idx" ON "executions"("trigger");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "execution_keys_createdAt_idx" ON "execution_keys"("createdAt");

-- CreateIndex
CREATE INDEX "schedules_scope_idx" ON "schedules"("scope");

-- CreateIndex
CREATE INDEX "schedules_workflow_idx" ON "schedules"("workflow");

-- CreateIndex
CREATE INDEX "webhooks_scope_idx" ON "webhooks"("scope");

-- CreateIndex
CREATE INDEX "webhooks_workflow_idx" ON "webhooks"("workflow");

