-- CreateTable
CREATE TABLE "executions" (
    "id" TEXT NOT NULL,
    "workflow" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "orgId" TEXT,
    "status" TEXT NOT NULL,
    "params" TEXT NOT NULL,
    "result" TEXT,
    "error" TEXT,
    "logs" TEXT NOT NULL DEFAULT '[]',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdBy" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "durationMs" INTEGER,

    CONSTRAINT "executions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "executions_status_idx" ON "executions"("status");

-- CreateIndex
CREATE INDEX "executions_workflow_idx" ON "executions"("workflow");

-- CreateIndex
CREATE INDEX "executions_scope_idx" ON "executions"("scope");

-- CreateIndex
CREATE INDEX "executions_createdAt_idx" ON "executions"("createdAt");

