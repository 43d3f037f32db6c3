-- CreateTable
CREATE TABLE "TelegramSentMessage" (
    "chatId" TEXT NOT NULL,
    "messageId" INTEGER NOT NULL,
    "trackingCode" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TelegramSentMessage_pkey" PRIMARY KEY ("chatId","messageId")
);

-- CreateTable
CREATE TABLE "TelegramUnreachableChat" (
    "chatId" TEXT NOT NULL,
    "errorCode" INTEGER NOT NULL,
    "description" TEXT NOT NULL,
    "since" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TelegramUnreachableChat_pkey" PRIMARY KEY ("chatId")
);
