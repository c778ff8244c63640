-- AlterTable
ALTER TABLE "audit_events" ADD COLUMN     "runScope" TEXT;

-- CreateIndex
CREATE INDEX "audit_events_runScope_id_idx" ON "audit_events"("runScope", "id");

