-- AlterTable
ALTER TABLE "executions" ADD COLUMN     "authority" TEXT NOT NULL DEFAULT 'scope';

