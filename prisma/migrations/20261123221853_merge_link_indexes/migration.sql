-- CreateIndex
CREATE INDEX "Complaint_mergedIntoId_idx" ON "Complaint"("mergedIntoId");

-- CreateIndex
CREATE INDEX "Complaint_duplicateOfId_idx" ON "Complaint"("duplicateOfId");
