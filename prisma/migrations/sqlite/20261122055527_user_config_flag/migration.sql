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
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdBy" TEXT NOT NULL,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    "durationMs" INTEGER
);
INSERT INTO "new_executions" ("attempts", "createdAt", "createdBy", "durationMs", "error", "finishedAt", "id", "logs", "orgId", "params", "result", "scope", "startedAt", "status", "workflow") SELECT "attempts", "createdAt", "createdBy", "durationMs", "error", "finishedAt", "id", "logs", "orgId", "params", "result", "scope", "startedAt", "status", "workflow" FROM "executions";
DROP TABLE "executions";
ALTER TABLE "new_executions" RENAME TO "executions";
CREATE INDEX "executions_status_idx" ON "executions"("status");
CREATE INDEX "executions_workflow_idx" ON "executions"("workflow");
CREATE INDEX "executions_scope_idx" ON "executions"("scope");
CREATE INDEX "executions_createdAt_idx" ON "executions"("createdAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

