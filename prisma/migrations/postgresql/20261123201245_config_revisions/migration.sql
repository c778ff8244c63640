-- CreateTable
CREATE TABLE "config_revisions" (
    "scope" TEXT NOT NULL,
    "revision" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "config_revisions_pkey" PRIMARY KEY ("scope")
);

