-- DropIndex
DROP INDEX "executions_status_idx";

-- DropIndex
DROP INDEX "executions_workflow_idx";

-- DropIndex
DROP INDEX "executions_scope_idx";

-- DropIndex
DROP INDEX "executions_createdAt_idx";

-- DropIndex
DROP INDEX "executions_trigger_idx";

-- CreateIndex
CREATE INDEX "audit_events_action_id_idx" ON "audit_events"("action", "id");

-- CreateIndex
CREATE INDEX "audit_events_scope_id_idx" ON "audit_events"("scope", "id");

-- CreateIndex
CREATE INDEX "executions_createdAt_id_idx" ON "executions"("createdAt", "id");

-- CreateIndex
CREATE INDEX "executions_scope_createdAt_id_idx" ON "executions"("scope", "createdAt", "id");

-- CreateIndex
CREATE INDEX "executions_scope_status_createdAt_id_idx" ON "executions"("scope", "status", "createdAt", "id");

-- CreateIndex
CREATE INDEX "executions_workflow_createdAt_id_idx" ON "executions"("workflow", "createdAt", "id");

-- CreateIndex
CREATE INDEX "executions_status_createdAt_id_idx" ON "executions"("status", "createdAt", "id");

-- CreateIndex
CREATE INDEX "executions_trigger_createdAt_id_idx" ON "executions"("trigger", "createdAt", "id");

-- CreateIndex
CREATE INDEX "executions_finishedAt_idx" ON "executions"("finishedAt");

