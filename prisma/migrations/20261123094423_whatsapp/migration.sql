-- CreateTable
CREATE TABLE "WhatsAppAuthKey" (
    "account" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "WhatsAppAuthKey_pkey" PRIMARY KEY ("account","type","id")
);

-- CreateTable
CREATE TABLE "WhatsAppContact" (
    "chatId" TEXT NOT NULL,
    "pnJid" TEXT,
    "lidJid" TEXT,
    "replyJid" TEXT NOT NULL,
    "firstInbound" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastInbound" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WhatsAppContact_pkey" PRIMARY KEY ("chatId")
);

-- CreateTable
CREATE TABLE "WhatsAppSentMessage" (
    "messageId" TEXT NOT NULL,
    "jid" TEXT NOT NULL,
    "chatId" TEXT NOT NULL,
    "content" TEXT NOT NULL,
    "trackingCode" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WhatsAppSentMessage_pkey" PRIMARY KEY ("messageId")
);

-- CreateTable
CREATE TABLE "WhatsAppRefusedSend" (
    "id" TEXT NOT NULL,
    "chatId" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WhatsAppRefusedSend_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WhatsAppAgencyGroup" (
    "groupJid" TEXT NOT NULL,
    "agencyId" TEXT NOT NULL,
    "registeredBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WhatsAppAgencyGroup_pkey" PRIMARY KEY ("groupJid")
);

-- CreateIndex
CREATE UNIQUE INDEX "WhatsAppContact_pnJid_key" ON "WhatsAppContact"("pnJid");

-- CreateIndex
CREATE UNIQUE INDEX "WhatsAppContact_lidJid_key" ON "WhatsAppContact"("lidJid");

-- CreateIndex
CREATE INDEX "WhatsAppSentMessage_createdAt_idx" ON "WhatsAppSentMessage"("createdAt");

-- CreateIndex
CREATE INDEX "WhatsAppRefusedSend_chatId_idx" ON "WhatsAppRefusedSend"("chatId");

-- CreateIndex
CREATE UNIQUE INDEX "WhatsAppAgencyGroup_agencyId_key" ON "WhatsAppAgencyGroup"("agencyId");
