-- Org names are ASCII (OrgName) and matched case-insensitively on create: lower() folds them
-- alike on both databases, and the index makes the check one lookup (and race-free).
CREATE UNIQUE INDEX "orgs_name_folded_key" ON "orgs"(lower("name"));
