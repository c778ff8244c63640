-- AlterTable (in place: no copy of the executions table)
ALTER TABLE "executions" ADD COLUMN "authority" TEXT NOT NULL DEFAULT 'scope';
