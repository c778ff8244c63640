-- CreateTable
CREATE TABLE "config_revisions" (
    "scope" TEXT NOT NULL PRIMARY KEY,
    "revision" INTEGER NOT NULL DEFAULT 0
);

