-- CreateIndex
CREATE INDEX "executions_workflow_status_createdAt_id_idx" ON "executions"("workflow", "status", "createdAt", "id");

