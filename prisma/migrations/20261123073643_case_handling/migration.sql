-- CreateEnum
CREATE TYPE "ComplaintOutcome" AS ENUM ('RESOLVED', 'CLOSED_UNCONFIRMED', 'NOT_RESOLVED', 'ARCHIVED', 'MERGED');

-- CreateEnum
CREATE TYPE "ResolutionTier" AS ENUM ('SIMPLE', 'DISPUTE', 'FIELD_CHECK');

-- CreateEnum
CREATE TYPE "DeadlineKind" AS ENUM ('VERIFY', 'FIRST_ANSWER', 'RESOLUTION', 'AUTO_CLOSE');

-- CreateEnum
CREATE TYPE "DeadlineState" AS ENUM ('ACTIVE', 'PAUSED', 'MET', 'BREACHED', 'CANCELLED');

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "EventType" ADD VALUE 'ASSIGNED';
ALTER TYPE "EventType" ADD VALUE 'COPY_ADDED';
ALTER TYPE "EventType" ADD VALUE 'RATED';
ALTER TYPE "EventType" ADD VALUE 'REMINDER_SENT';
ALTER TYPE "EventType" ADD VALUE 'DEADLINE_BREACHED';
ALTER TYPE "EventType" ADD VALUE 'ESCALATED';
ALTER TYPE "EventType" ADD VALUE 'DUPLICATE_SUSPECTED';
ALTER TYPE "EventType" ADD VALUE 'MERGED';

-- AlterTable
ALTER TABLE "Category" ADD COLUMN     "resolutionTier" "ResolutionTier" NOT NULL DEFAULT 'SIMPLE';

-- AlterTable
ALTER TABLE "Complaint" ADD COLUMN     "assigneeId" UUID,
ADD COLUMN     "duplicateOfId" UUID,
ADD COLUMN     "holdReturnStatus" "ComplaintStatus",
ADD COLUMN     "mergedIntoId" UUID,
ADD COLUMN     "outcome" "ComplaintOutcome",
ADD COLUMN     "rating" INTEGER,
ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "OfficerIdentity" (
    "id" UUID NOT NULL,
    "officerId" UUID NOT NULL,
    "channel" "Channel" NOT NULL,
    "externalId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OfficerIdentity_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OfficerLinkCode" (
    "codeHash" TEXT NOT NULL,
    "officerId" UUID NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OfficerLinkCode_pkey" PRIMARY KEY ("codeHash")
);

-- CreateTable
CREATE TABLE "ComplaintCopy" (
    "complaintId" UUID NOT NULL,
    "agencyId" UUID NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ComplaintCopy_pkey" PRIMARY KEY ("complaintId","agencyId")
);

-- CreateTable
CREATE TABLE "ComplaintDeadline" (
    "complaintId" UUID NOT NULL,
    "kind" "DeadlineKind" NOT NULL,
    "state" "DeadlineState" NOT NULL,
    "dueAt" TIMESTAMP(3) NOT NULL,
    "remindAt" TIMESTAMP(3),
    "remainingWorkingDays" INTEGER,
    "remindedAt" TIMESTAMP(3),
    "breachedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ComplaintDeadline_pkey" PRIMARY KEY ("complaintId","kind")
);

-- CreateTable
CREATE TABLE "CannedAnswer" (
    "id" UUID NOT NULL,
    "agencyId" UUID,
    "code" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "text" TEXT NOT NULL,

    CONSTRAINT "CannedAnswer_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "OfficerIdentity_channel_externalId_key" ON "OfficerIdentity"("channel", "externalId");

-- CreateIndex
CREATE INDEX "ComplaintDeadline_state_dueAt_idx" ON "ComplaintDeadline"("state", "dueAt");

-- CreateIndex
CREATE INDEX "ComplaintDeadline_state_remindAt_idx" ON "ComplaintDeadline"("state", "remindAt");

-- CreateIndex
CREATE UNIQUE INDEX "CannedAnswer_agencyId_code_key" ON "CannedAnswer"("agencyId", "code");

-- CreateIndex
CREATE INDEX "Complaint_categoryId_status_submittedAt_idx" ON "Complaint"("categoryId", "status", "submittedAt");

-- AddForeignKey
ALTER TABLE "Complaint" ADD CONSTRAINT "Complaint_assigneeId_fkey" FOREIGN KEY ("assigneeId") REFERENCES "Officer"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Complaint" ADD CONSTRAINT "Complaint_mergedIntoId_fkey" FOREIGN KEY ("mergedIntoId") REFERENCES "Complaint"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Complaint" ADD CONSTRAINT "Complaint_duplicateOfId_fkey" FOREIGN KEY ("duplicateOfId") REFERENCES "Complaint"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OfficerIdentity" ADD CONSTRAINT "OfficerIdentity_officerId_fkey" FOREIGN KEY ("officerId") REFERENCES "Officer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OfficerLinkCode" ADD CONSTRAINT "OfficerLinkCode_officerId_fkey" FOREIGN KEY ("officerId") REFERENCES "Officer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ComplaintCopy" ADD CONSTRAINT "ComplaintCopy_complaintId_fkey" FOREIGN KEY ("complaintId") REFERENCES "Complaint"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ComplaintCopy" ADD CONSTRAINT "ComplaintCopy_agencyId_fkey" FOREIGN KEY ("agencyId") REFERENCES "Agency"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ComplaintDeadline" ADD CONSTRAINT "ComplaintDeadline_complaintId_fkey" FOREIGN KEY ("complaintId") REFERENCES "Complaint"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CannedAnswer" ADD CONSTRAINT "CannedAnswer_agencyId_fkey" FOREIGN KEY ("agencyId") REFERENCES "Agency"("id") ON DELETE SET NULL ON UPDATE CASCADE;
