-- AlterTable
ALTER TABLE "executions" ADD COLUMN     "hasUserConfig" BOOLEAN NOT NULL DEFAULT false;

