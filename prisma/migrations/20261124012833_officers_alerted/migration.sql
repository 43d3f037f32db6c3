-- AlterTable
-- Complaints stored before this column existed count as told (their officers were, or never will
-- be): the default marks them without rewriting the table (1970-01-01 means "before the column"),
-- and is dropped at once, so the complaints to come start unmarked.
ALTER TABLE "Complaint" ADD COLUMN     "officersAlertedAt" TIMESTAMP(3) DEFAULT '1970-01-01 00:00:00';
ALTER TABLE "Complaint" ALTER COLUMN "officersAlertedAt" DROP DEFAULT;
