-- CreateTable
CREATE TABLE "TelegramAgencyGroup" (
    "chatId" TEXT NOT NULL,
    "agencyId" UUID NOT NULL,
    "registeredBy" UUID NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TelegramAgencyGroup_pkey" PRIMARY KEY ("chatId")
);

-- CreateTable
CREATE TABLE "TelegramTopic" (
    "complaintId" UUID NOT NULL,
    "trackingCode" TEXT NOT NULL,
    "chatId" TEXT NOT NULL,
    "threadId" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TelegramTopic_pkey" PRIMARY KEY ("complaintId")
);

-- CreateIndex
CREATE UNIQUE INDEX "TelegramAgencyGroup_agencyId_key" ON "TelegramAgencyGroup"("agencyId");

-- CreateIndex
CREATE UNIQUE INDEX "TelegramTopic_chatId_threadId_key" ON "TelegramTopic"("chatId", "threadId");
