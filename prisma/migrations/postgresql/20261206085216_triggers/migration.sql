-- AlterTable
ALTER TABLE "executions" ADD COLUMN     "trigger" TEXT NOT NULL DEFAULT 'api',
ADD COLUMN     "workerId" TEXT;

-- CreateTable
CREATE TABLE "execution_keys" (
    "scope" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "executionId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "execution_keys_pkey" PRIMARY KEY ("scope","key")
);

-- CreateTable
CREATE TABLE "schedules" (
    "id" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "orgId" TEXT,
    "workflow" TEXT NOT NULL,
    "cron" TEXT NOT NULL,
    "timezone" TEXT NOT NULL,
    "params" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL,
    "overlap" TEXT NOT NULL,
    "lastRunAt" TIMESTAMP(3),
    "lastExecutionId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdBy" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "updatedBy" TEXT NOT NULL,

    CONSTRAINT "schedules_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhooks" (
    "id" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "orgId" TEXT,
    "workflow" TEXT NOT NULL,
    "description" TEXT,
    "encrypted" TEXT NOT NULL,
    "keyFingerprint" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdBy" TEXT NOT NULL,
    "secretRotatedAt" TIMESTAMP(3),

    CONSTRAINT "webhooks_pkey" PRIMARY KEY ("id")
);

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

-- CreateIndex
CREATE INDEX "executions_trigger_idx" ON "executions"("trigger");

-- AddForeignKey
ALTER TABLE "schedules" ADD CONSTRAINT "schedules_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "orgs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhooks" ADD CONSTRAINT "webhooks_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "orgs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

