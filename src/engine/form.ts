/** Turns a finished intake session into the form the pipeline stores. */
import type { SubmittedForm } from '../domain/index.js';
import { COMPLAINT_TYPES } from '../domain/index.js';
import type { Flow, FormField } from './flow-schema.js';
import { applies } from './render.js';
import type { Answer, SessionState } from './session.js';
import type { EngineContext } from './step.js';

export function buildForm(ctx: EngineContext, flow: Flow, state: SessionState, now: Date): SubmittedForm {
  const byField = new Map<FormField, Answer>();
  for (const s of flow.steps) {
    const answer = state.answers[s.id];
    if (s.field && answer && applies(s, state.answers)) byField.set(s.field, answer);
  }
  const choice = (field: FormField) => {
    const a = byField.get(field);
    return a?.kind === 'choice' ? a.value : null;
  };
  const textOf = (field: FormField) => {
    const a = byField.get(field);
    return a?.kind === 'text' ? a.text : '';
  };
  const yes = (field: FormField) => isYes(byField.get(field));
  const date = byField.get('incidentDate');
  const location = byField.get('location');
  const media = byField.get('attachments');
  const type = COMPLAINT_TYPES.find((t) => t === choice('type')) ?? 'PENGADUAN';
  return {
    trackingCode: ctx.newTrackingCode(),
    ...ctx.origin,
    language: state.language,
    type,
    categoryId: choice('subcategory') ?? choice('category') ?? '',
    title: textOf('title'),
    description: textOf('description'),
    incidentDate: date?.kind === 'date' ? date.date : null,
    location:
      location?.kind === 'location'
        ? { latitude: location.latitude, longitude: location.longitude, address: location.address, regionCode: location.regionCode }
        : { latitude: null, longitude: null, address: null, regionCode: ctx.catalog.defaultRegionCode },
    attachmentIds: media?.kind === 'media' ? media.items.map((m) => m.attachmentId) : [],
    requestedAgencyId: choice('agency'),
    anonymous: yes('anonymous'),
    confidential: yes('confidential'),
    submittedAt: now.toISOString(),
  };
}

const isYes = (answer: Answer | undefined) => answer?.kind === 'yesno' && answer.value;
