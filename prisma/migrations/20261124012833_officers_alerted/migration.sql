-- AlterTable
ALTER TABLE "Complaint" ADD COLUMN     "officersAlertedAt" TIMESTAMP(3);

-- Complaints stored before this column existed were told to their officers (or never will be): mark
-- them, so no intake job run again for one of them tells the officers anew.
UPDATE "Complaint" SET "officersAlertedAt" = "createdAt";
