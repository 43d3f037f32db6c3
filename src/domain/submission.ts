/**
 * A confirmed complaint form, as the engine hands it to the pipeline. It is stored durably in
 * PostgreSQL (table Submission) before the citizen sees the tracking code, and parsed again by the
 * intake worker: the queue only carries the tracking code, never the citizen's words.
 */
import { z } from 'zod';
import { COMPLAINT_TYPES, LANGUAGES } from './complaint.js';
import { CHANNELS } from './message.js';

export const SubmittedFormSchema = z.strictObject({
  trackingCode: z.string().regex(/^[A-Z]{2,5}-[0-9A-Z]{4}-[0-9A-Z]{4}$/),
  channel: z.enum(CHANNELS),
  chatId: z.string().min(1),
  senderId: z.string().min(1),
  language: z.enum(LANGUAGES),
  type: z.enum(COMPLAINT_TYPES),
  categoryId: z.string().min(1),
  title: z.string().min(1).max(200),
  description: z.string().min(1).max(10_000),
  incidentDate: z.iso.date().nullable(),
  location: z.strictObject({
    latitude: z.number().min(-90).max(90).nullable(),
    longitude: z.number().min(-180).max(180).nullable(),
    address: z.string().max(1000).nullable(),
    regionCode: z.string().nullable(),
  }),
  attachmentIds: z.array(z.string()).max(20),
  requestedAgencyId: z.string().nullable(),
  anonymous: z.boolean(),
  confidential: z.boolean(),
  submittedAt: z.iso.datetime(),
});
export type SubmittedForm = z.infer<typeof SubmittedFormSchema>;
