-- CreateIndex
CREATE INDEX "configs_keyFingerprint_type_idx" ON "configs"("keyFingerprint", "type");

