/**
 * Stores a confirmed submission as a complaint, routes it and names the notice the citizen gets.
 * Idempotent: the tracking code is the key, so a retried or duplicated job finds the first result.
 */
import { decideRoute, SubmittedFormSchema } from '../domain/index.js';
import type { IntakeStore, NotificationQueue, StoredComplaint } from './ports.js';

/** The submission can never be stored as it is: retrying will not help. */
export class InvalidSubmissionError extends Error {}

export interface IntakeDeps {
  store: IntakeStore;
  notifications: Pick<NotificationQueue, 'enqueueNotification'>;
  /** Starts the clocks and tells the receiving agency's officers (case handling). */
  afterStore?: (complaintId: string, created: boolean) => Promise<void>;
  now: () => Date;
}

export async function storeSubmission(deps: IntakeDeps, trackingCode: string): Promise<StoredComplaint> {
  const { submission, stored: existing } = await deps.store.findIntake(trackingCode);
  if (existing) {
    await deps.notifications.enqueueNotification({ complaintId: existing.complaintId, eventId: existing.noticeEventId });
    if (deps.afterStore) await deps.afterStore(existing.complaintId, false);
    return existing;
  }
  if (!submission) throw new InvalidSubmissionError(`no confirmed submission has code ${trackingCode}`);
  const parsed = SubmittedFormSchema.safeParse(submission.payload);
  if (!parsed.success) {
    const message = `submission ${trackingCode} does not match its schema: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`;
    await deps.store.recordSubmissionError(trackingCode, message);
    throw new InvalidSubmissionError(message);
  }
  const form = parsed.data;
  // The routing is cached (30 s): re-read for a category added a moment ago. An agency the citizen
  // named counts if the cache has it active; one switched on or off within the TTL is judged by the cache.
  let routing = await deps.store.findRoutingRules();
  if (!routing.parentOf.has(form.categoryId)) routing = await deps.store.findRoutingRules(true);
  const { rules, coordinators, parentOf, activeAgencyIds } = routing;
  if (!parentOf.has(form.categoryId)) {
    const message = `submission ${trackingCode} names unknown category ${form.categoryId}`;
    await deps.store.recordSubmissionError(trackingCode, message);
    throw new InvalidSubmissionError(message);
  }
  const requested = form.requestedAgencyId !== null && activeAgencyIds.has(form.requestedAgencyId) ? form.requestedAgencyId : null;
  const route = decideRoute(
    { categoryId: form.categoryId, parentCategoryId: parentOf.get(form.categoryId) ?? null, regionCode: form.location.regionCode, requestedAgencyId: requested },
    rules,
    coordinators,
  );
  if (!route) throw new Error('no agency can receive complaints: load the seed data or add a coordinator agency');
  // A rule that names the koordinator's own office means "verify first", not a forward.
  const verifyFirst = route.kind === 'rule' && coordinators.some((c) => c.agencyId === route.agencyId);
  const stored = await deps.store.saveComplaint({ form, type: form.type, route: verifyFirst ? { kind: 'coordinator', agencyId: route.agencyId } : route }, deps.now());
  await deps.notifications.enqueueNotification({ complaintId: stored.complaintId, eventId: stored.noticeEventId });
  if (deps.afterStore) await deps.afterStore(stored.complaintId, stored.created);
  return stored;
}
