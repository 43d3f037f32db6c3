/**
 * Officer actions on a complaint, and the citizen's replies and verdicts. Every action is checked
 * here, in one place: the officer is active, the complaint is in their scope, their role may do it,
 * the lifecycle allows it from the current status, and nobody changed the complaint meanwhile.
 * The change and its events are one transaction; the citizen is told through the notify queue.
 */
import { decideAccess, decideRoute, decideTransition, isWithin, mayForwardTo, mayPerform, type ComplaintStatus, type DeadlineKind, type OfficerAction } from '../domain/index.js';
import type { AgencyDirectory, CaseChange, CaseRecord, CaseStore, NewEvent, OfficerRecord } from './case-ports.js';
import type { MediaRef } from '../domain/index.js';
import type { ChatRef, NotificationQueue } from './ports.js';

export interface CaseworkDeps {
  cases: CaseStore;
  notifications: NotificationQueue;
  /** Re-plans the complaint's clocks after a change (deadlines.ts); `restart` begins named clocks again. */
  syncDeadlines: (complaintId: string, now: Date, restart?: readonly DeadlineKind[]) => Promise<void>;
  /** Tells officers (the new agency after a forward, the agency after a citizen's reply). */
  alertOfficers: (chats: ChatRef[], text: string) => Promise<void>;
  /** Show officer names to citizens (default: the agency answers, not the person). */
  showOfficerNames: boolean;
  /** After a complaint reaches a new agency (a channel may open a thread for it, e.g. a forum topic). */
  onForwarded?: (complaintId: string) => Promise<void>;
  /** After any change (a channel may show the new status, e.g. rename or close a forum topic); best effort, never blocks the change. */
  onChanged?: (complaintId: string) => Promise<void>;
  /** Where a failure after a citizen's reply or rating committed is reported (clocks, notices, alerts): they are not asked to send it again. */
  onFollowUpFailure?: (complaintId: string, error: unknown) => void;
}

export type OfficerRequest =
  | { action: 'forward'; code: string; agencyCode: string; copyCodes: string[] }
  /** `media`: files the officer sent with it (already in the media store); an answer's are relayed to the citizen, a note's stay internal. */
  | { action: 'hold' | 'archive' | 'answer' | 'resolve' | 'note'; code: string; text: string; media?: MediaRef[] }
  | { action: 'not_authority'; code: string; text: string; agencyCode?: string }
  | { action: 'claim' | 'start' | 'close'; code: string }
  | { action: 'merge'; code: string; intoCode: string };

export type ActOutcome = { ok: true; message: string } | { ok: false; message: string };

const refuse = (message: string): ActOutcome => ({ ok: false, message });

const STATUS_WORD: Record<ComplaintStatus, string> = {
  SUBMITTED: 'belum terverifikasi',
  ON_HOLD: 'ditunda',
  FORWARDED: 'terdisposisi',
  IN_PROGRESS: 'diproses',
  FOLLOWED_UP: 'ditindaklanjuti',
  CITIZEN_REPLIED: 'ditanggapi pelapor',
  DONE: 'selesai',
  ARCHIVED: 'diarsipkan',
};

/** The officer's own words for each action, as in the commands. */
const ACTION_WORD: Record<OfficerAction, string> = {
  forward: 'teruskan',
  hold: 'tunda',
  not_authority: 'bukan wewenang',
  archive: 'arsip',
  claim: 'ambil',
  start: 'proses',
  answer: 'balas',
  note: 'catatan',
  resolve: 'selesai',
  close: 'tutup',
  merge: 'gabung',
};

export async function actAsOfficer(deps: CaseworkDeps, officer: OfficerRecord, request: OfficerRequest, now: Date): Promise<ActOutcome> {
  if (!officer.active) return refuse('Akun petugas Anda nonaktif.');
  const found = await deps.cases.findCase(request.code);
  const tree = await deps.cases.findAgencies();
  const access = found ? decideAccess(officer, found, tree) : 'none';
  // Out of scope reads like "not found": codes of other agencies are not confirmed to exist.
  if (!found || access === 'none') return refuse(`Laporan ${request.code} tidak ditemukan dalam wilayah kerja Anda.`);
  if (access === 'read') return refuse(`Instansi Anda hanya menerima tembusan ${request.code}; tindakan dilakukan oleh instansi tujuan.`);
  if (!mayPerform(officer, request.action)) return refuse(`Peran Anda tidak dapat melakukan "${ACTION_WORD[request.action]}" pada laporan.`);

  const planned = await plan(deps, officer, found, tree, request);
  if ('refusal' in planned) return refuse(planned.refusal);
  const transition = decideTransition(found.status, request.action, { holdReturn: found.holdReturnStatus, toAgency: planned.toAgency });
  if (!transition.ok) return refuse(`Laporan ${found.trackingCode} berstatus ${STATUS_WORD[found.status]}: tindakan "${ACTION_WORD[request.action]}" tidak bisa dilakukan.`);

  const change: CaseChange = { ...planned.change, status: transition.to };
  for (const event of change.events) {
    event.fromStatus ??= found.status;
    event.toStatus ??= transition.to;
  }
  const applied = await deps.cases.applyChange(found.id, found.version, change, now);
  if (!applied.ok) return refuse(`Laporan ${found.trackingCode} baru saja diubah petugas lain. Lihat lagi: lihat ${found.trackingCode}`);
  await afterChange(deps, found.id, applied.notifyEventIds, now, planned.restartClocks);
  if (planned.alert) await deps.alertOfficers(await deps.cases.findOfficerChats(planned.alert), `Laporan ${found.trackingCode} masuk ke instansi Anda: ${found.title}. Lihat: lihat ${found.trackingCode}`);
  if (planned.alert && !planned.alert.koordinator && deps.onForwarded) await deps.onForwarded(found.id).catch(() => undefined); // best effort: the alert went out
  return { ok: true, message: `${found.trackingCode}: ${planned.done}` };
}

async function afterChange(deps: CaseworkDeps, complaintId: string, notifyEventIds: string[], now: Date, restart?: readonly DeadlineKind[]): Promise<void> {
  for (const eventId of notifyEventIds) await deps.notifications.enqueueNotification({ complaintId, eventId });
  await deps.syncDeadlines(complaintId, now, restart);
  if (deps.onChanged) await deps.onChanged(complaintId).catch(() => undefined);
}

/** A complaint that reaches a new agency gives it its own working days to answer and resolve. */
const NEW_AGENCY_CLOCKS: readonly DeadlineKind[] = ['FIRST_ANSWER', 'RESOLUTION'];

interface Plan {
  change: Omit<CaseChange, 'status'>;
  toAgency?: boolean;
  restartClocks?: readonly DeadlineKind[];
  done: string;
  alert?: { agencyId: string | null; regionCode: string | null; assigneeId: string | null; koordinator: boolean };
}

const officerEvent = (officer: OfficerRecord, event: Omit<NewEvent, 'actorType' | 'actorId'>): NewEvent => ({ ...event, actorType: 'OFFICER', actorId: officer.id });

async function plan(deps: CaseworkDeps, officer: OfficerRecord, c: CaseRecord, tree: AgencyDirectory, request: OfficerRequest): Promise<Plan | { refusal: string }> {
  const signature = deps.showOfficerNames ? ` (${officer.name})` : '';
  switch (request.action) {
    case 'forward': {
      const target = tree.byCode.get(request.agencyCode);
      if (!target?.active) return { refusal: `Instansi "${request.agencyCode}" tidak ada. Lihat kode instansi pada daftar instansi.` };
      if (!mayForwardTo(officer, target.id, tree)) return { refusal: `Anda tidak dapat meneruskan ke ${target.name}.` };
      const copies: string[] = [];
      for (const code of request.copyCodes) {
        const copy = tree.byCode.get(code);
        if (!copy?.active) return { refusal: `Instansi tembusan "${code}" tidak ada.` };
        copies.push(copy.id);
      }
      return {
        change: {
          agencyId: target.id,
          assigneeId: null,
          stamp: 'forwardedAt',
          addCopies: copies,
          events: [
            officerEvent(officer, { type: 'FORWARDED', agencyId: target.id, data: { action: 'forward', copies: copies.length }, notify: true }),
            ...copies.map((id) => officerEvent(officer, { type: 'COPY_ADDED', agencyId: id, data: { action: 'copy' }, notify: false })),
          ],
        },
        // Passing it down to one's own unit is not a new agency: the clocks run on.
        ...(c.agencyId === null || !isWithin(tree, target.id, c.agencyId) ? { restartClocks: NEW_AGENCY_CLOCKS } : {}),
        done: `diteruskan ke ${target.name}${copies.length ? ` dengan ${copies.length} tembusan` : ''}.`,
        alert: { agencyId: target.id, regionCode: c.regionCode, assigneeId: null, koordinator: false },
      };
    }
    case 'hold':
      return {
        change: {
          holdReturnStatus: c.status,
          events: [officerEvent(officer, { type: 'STATUS_CHANGED', data: { action: 'hold', publicText: request.text + signature }, notify: true })],
        },
        done: 'ditunda; pertanyaan dikirim ke pelapor.',
      };
    case 'not_authority': {
      const target = request.agencyCode ? tree.byCode.get(request.agencyCode) : undefined;
      if (request.agencyCode && !target?.active) return { refusal: `Instansi "${request.agencyCode}" tidak ada.` };
      // Without a named agency it goes back to the region's koordinator, who verifies it again.
      const coordinator = decideRoute({ categoryId: '', parentCategoryId: null, regionCode: c.regionCode, requestedAgencyId: null }, [], tree.coordinators);
      return {
        toAgency: target !== undefined,
        ...(target ? { restartClocks: NEW_AGENCY_CLOCKS } : {}),
        change: {
          agencyId: target?.id ?? coordinator?.agencyId ?? c.agencyId,
          assigneeId: null,
          ...(target ? { stamp: 'forwardedAt' as const } : {}),
          events: [officerEvent(officer, { type: target ? 'FORWARDED' : 'STATUS_CHANGED', agencyId: target?.id ?? null, data: { action: 'not_authority', internalText: request.text, from: c.agencyId ?? '' }, notify: true })],
        },
        done: target ? `bukan wewenang; dialihkan ke ${target.name}.` : 'bukan wewenang; dikembalikan ke admin koordinator untuk verifikasi ulang.',
        alert: target
          ? { agencyId: target.id, regionCode: c.regionCode, assigneeId: null, koordinator: false }
          : { agencyId: null, regionCode: c.regionCode, assigneeId: null, koordinator: true },
      };
    }
    case 'archive':
      return {
        change: { outcome: 'ARCHIVED', stamp: 'closedAt', events: [officerEvent(officer, { type: 'STATUS_CHANGED', data: { action: 'archive', publicText: request.text }, notify: true })] },
        done: 'diarsipkan; alasan dikirim ke pelapor.',
      };
    case 'claim':
      if (c.assigneeId && c.assigneeId !== officer.id) return { refusal: `Laporan ${c.trackingCode} sudah diambil petugas lain.` };
      return { change: { assigneeId: officer.id, events: [officerEvent(officer, { type: 'ASSIGNED', data: { action: 'claim' }, notify: false })] }, done: `diambil oleh ${officer.name}.` };
    case 'start':
      return {
        change: { assigneeId: c.assigneeId ?? officer.id, stamp: 'inProgressAt', events: [officerEvent(officer, { type: 'STATUS_CHANGED', data: { action: 'start' }, notify: true })] },
        done: 'sedang diproses.',
      };
    case 'answer':
    case 'resolve': {
      const text = await expandCanned(deps, c, request.text);
      if (text === null) return { refusal: `Templat jawaban "${request.text.slice(1)}" tidak ada untuk instansi ini.` };
      const files = attachmentIdsOf(request.media);
      return {
        change: {
          assigneeId: c.assigneeId ?? officer.id,
          stamp: 'followedUpAt',
          ...(files.length ? { attachmentIds: files } : {}),
          message: { direction: 'OUT', channel: c.chat.channel, chatId: c.chat.chatId, text, ...(files.length ? { attachmentIds: files } : {}) },
          events: [officerEvent(officer, { type: 'MESSAGE_OUT', data: { action: request.action, publicText: text + signature, ...(files.length ? { attachmentIds: files.join(',') } : {}) }, notify: true })],
        },
        done: 'jawaban dikirim ke pelapor; pelapor diminta menilai.',
      };
    }
    case 'note': {
      const files = attachmentIdsOf(request.media);
      const data = { action: 'note', internalText: request.text, ...(files.length ? { attachmentIds: files.join(',') } : {}) };
      return { change: { ...(files.length ? { attachmentIds: files } : {}), events: [officerEvent(officer, { type: 'NOTE', data, notify: false })] }, done: 'catatan internal disimpan (tidak dikirim ke pelapor).' };
    }
    case 'close':
      return {
        // Closing over the citizen's objection is closed-but-not-fixed, not resolved.
        change: { outcome: c.status === 'CITIZEN_REPLIED' ? 'NOT_RESOLVED' : 'CLOSED_UNCONFIRMED', stamp: 'closedAt', events: [officerEvent(officer, { type: 'STATUS_CHANGED', data: { action: 'close' }, notify: true })] },
        done: 'ditutup.',
      };
    case 'merge': {
      if (request.intoCode === c.trackingCode) return { refusal: 'Laporan tidak dapat digabung dengan dirinya sendiri.' };
      const into = await deps.cases.findCase(request.intoCode);
      if (!into || decideAccess(officer, into, tree) !== 'act') return { refusal: `Laporan ${request.intoCode} tidak ditemukan dalam wilayah kerja Anda.` };
      if (into.status === 'DONE' || into.status === 'ARCHIVED' || into.mergedIntoId) return { refusal: `Laporan ${request.intoCode} sudah ditutup; gabungkan ke laporan yang masih terbuka.` };
      return {
        change: {
          mergedIntoId: into.id,
          outcome: 'MERGED',
          stamp: 'closedAt',
          events: [officerEvent(officer, { type: 'MERGED', data: { action: 'merge', into: into.trackingCode }, notify: true })],
        },
        done: `digabung ke ${into.trackingCode}; pelapor akan menerima kabar dari laporan itu.`,
      };
    }
  }
}

const attachmentIdsOf = (media: MediaRef[] | undefined): string[] => (media ?? []).map((m) => m.attachmentId);

/** "#kode" picks the agency's canned answer; {kode}, {judul}, {instansi} are filled in. */
async function expandCanned(deps: CaseworkDeps, c: CaseRecord, text: string): Promise<string | null> {
  if (!/^#[a-z0-9_-]+$/i.test(text.trim())) return text;
  const template = await deps.cases.findCannedAnswer(c.agencyId, text.trim().slice(1).toLowerCase());
  if (template === null) return null;
  return template.replace(/\{(kode|judul|instansi)\}/g, (_, name: string) => (name === 'kode' ? c.trackingCode : name === 'judul' ? c.title : (c.agencyName ?? '')));
}

export type CitizenOutcome = { ok: true } | { ok: false; reason: 'not_found' | 'not_reporter' | 'closed' | 'conflict' };

/** The citizen adds to a complaint's thread: an answer to a hold resumes it, a reply to an answer reopens the talk. */
/** The citizen's form is already finished when this runs: on a version conflict, read again and retry. */
async function withRetries(attempt: () => Promise<CitizenOutcome>): Promise<CitizenOutcome> {
  let outcome = await attempt();
  for (let i = 0; i < 3 && !outcome.ok && outcome.reason === 'conflict'; i++) outcome = await attempt();
  return outcome;
}

export function replyAsCitizen(deps: CaseworkDeps, input: { code: string; chat: ChatRef; text: string; platformMessageId?: string }, now: Date): Promise<CitizenOutcome> {
  return withRetries(() => replyOnce(deps, input, now));
}

export function rateAsCitizen(deps: CaseworkDeps, input: { code: string; chat: ChatRef; resolved: boolean; rating: number; comment: string | null }, now: Date): Promise<CitizenOutcome> {
  return withRetries(() => rateOnce(deps, input, now));
}

async function replyOnce(deps: CaseworkDeps, input: { code: string; chat: ChatRef; text: string; platformMessageId?: string }, now: Date): Promise<CitizenOutcome> {
  const c = await deps.cases.findCase(input.code);
  if (!c) return { ok: false, reason: 'not_found' };
  if (c.chat.channel !== input.chat.channel || c.chat.chatId !== input.chat.chatId) return { ok: false, reason: 'not_reporter' };
  const transition = decideTransition(c.status, 'reply', { holdReturn: c.holdReturnStatus });
  if (!transition.ok) return { ok: false, reason: 'closed' };
  const applied = await deps.cases.applyChange(
    c.id,
    c.version,
    {
      status: transition.to,
      ...(c.status === 'ON_HOLD' ? { holdReturnStatus: null } : {}),
      message: { direction: 'IN', channel: input.chat.channel, chatId: input.chat.chatId, text: input.text, ...(input.platformMessageId ? { platformMessageId: input.platformMessageId } : {}) },
      events: [{ type: 'MESSAGE_IN', fromStatus: c.status, toStatus: transition.to, actorType: 'CITIZEN', actorId: c.citizenId, data: { action: 'reply' }, notify: false }],
    },
    now,
  );
  if (!applied.ok) return { ok: false, reason: 'conflict' };
  await afterCitizenChange(deps, c.id, async () => {
    await afterChange(deps, c.id, [], now);
    // A complaint awaiting verification is the koordinators' to hear about; otherwise the agency's.
    const koordinator = transition.to === 'SUBMITTED';
    await deps.alertOfficers(await deps.cases.findOfficerChats({ agencyId: c.agencyId, regionCode: c.regionCode, assigneeId: koordinator ? null : c.assigneeId, koordinator }), `Pelapor ${c.trackingCode} menulis: ${input.text.slice(0, 500)}`);
  });
  return { ok: true };
}

/**
 * What follows a citizen's committed reply or rating. Their words are stored, so a failure here is
 * reported, not passed on: the citizen would be told to send them again and they would be stored
 * twice. A lost notice is found by the maintenance sweep (its event is marked `notify`).
 */
async function afterCitizenChange(deps: CaseworkDeps, complaintId: string, followUp: () => Promise<void>): Promise<void> {
  await followUp().catch((error: unknown) => deps.onFollowUpFailure?.(complaintId, error));
}

/** "Sudah selesai" with a good rating closes as resolved; "belum" or a rating of 2 or less reopens it. */
async function rateOnce(deps: CaseworkDeps, input: { code: string; chat: ChatRef; resolved: boolean; rating: number; comment: string | null }, now: Date): Promise<CitizenOutcome> {
  const c = await deps.cases.findCase(input.code);
  if (!c) return { ok: false, reason: 'not_found' };
  if (c.chat.channel !== input.chat.channel || c.chat.chatId !== input.chat.chatId) return { ok: false, reason: 'not_reporter' };
  const reopen = !input.resolved || input.rating <= 2;
  const transition = decideTransition(c.status, reopen ? 'reopen' : 'confirm');
  if (!transition.ok) return { ok: false, reason: 'closed' };
  const applied = await deps.cases.applyChange(
    c.id,
    c.version,
    {
      status: transition.to,
      rating: input.rating,
      outcome: reopen ? null : 'RESOLVED',
      ...(reopen ? {} : { stamp: 'closedAt' as const }),
      ...(input.comment ? { message: { direction: 'IN' as const, channel: input.chat.channel, chatId: input.chat.chatId, text: input.comment } } : {}),
      events: [
        { type: 'RATED', actorType: 'CITIZEN', actorId: c.citizenId, data: { action: 'rate', rating: input.rating, resolved: input.resolved }, notify: false },
        { type: 'STATUS_CHANGED', fromStatus: c.status, toStatus: transition.to, actorType: 'CITIZEN', actorId: c.citizenId, data: { action: reopen ? 'reopen' : 'confirm', ...(input.comment ? { internalText: input.comment } : {}) }, notify: true },
      ],
    },
    now,
  );
  if (!applied.ok) return { ok: false, reason: 'conflict' };
  await afterCitizenChange(deps, c.id, async () => {
    await afterChange(deps, c.id, applied.notifyEventIds, now);
    if (reopen) await deps.alertOfficers(await deps.cases.findOfficerChats({ agencyId: c.agencyId, regionCode: c.regionCode, assigneeId: c.assigneeId, koordinator: false }), `Pelapor membuka kembali ${c.trackingCode} (nilai ${input.rating}): ${input.comment ?? '-'}`);
  });
  return { ok: true };
}

/** Closes a complaint whose answer got no reply within the auto-close clock (a system action). */
export async function autoClose(deps: CaseworkDeps, complaintId: string, now: Date): Promise<boolean> {
  const c = await deps.cases.findCaseById(complaintId);
  if (!c) return false;
  const transition = decideTransition(c.status, 'auto_close');
  if (!transition.ok) return false;
  const applied = await deps.cases.applyChange(
    c.id,
    c.version,
    { status: transition.to, outcome: 'CLOSED_UNCONFIRMED', stamp: 'closedAt', events: [{ type: 'STATUS_CHANGED', fromStatus: c.status, toStatus: transition.to, actorType: 'SYSTEM', data: { action: 'auto_close' }, notify: true }] },
    now,
  );
  if (!applied.ok) return false;
  await afterChange(deps, c.id, applied.notifyEventIds, now);
  return true;
}
