-- Telegram's message_id counts per chat: inbound platform message ids are unique per chat, not per
-- channel. The new index is looser than the old one, so existing rows always satisfy it; it is
-- built before the old one is dropped so uniqueness is never absent.
CREATE UNIQUE INDEX "Message_channel_chatId_platformMessageId_key" ON "Message"("channel", "chatId", "platformMessageId");
DROP INDEX "Message_channel_platformMessageId_key";

-- A complaint's forum topic follows its status: the name shown, closed or open, and the complaint
-- version that state reflects (an older sync never overwrites a newer one).
ALTER TABLE "TelegramTopic" ADD COLUMN "closed" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN "name" TEXT,
ADD COLUMN "syncedVersion" INTEGER NOT NULL DEFAULT 0;
