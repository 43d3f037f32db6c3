-- AlterTable
ALTER TABLE "ConversationSession" ADD COLUMN     "lastMessageId" TEXT;
