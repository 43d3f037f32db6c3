/**
 * Officers work through the bot with text commands (any channel; Telegram and WhatsApp add buttons
 * on top). "daftar <kode>" links a chat to an officer; linked chats bypass the citizen flows.
 *
 *   tugas                                  my open complaints, most urgent first
 *   lihat KODE                             the complaint, its deadlines and likely duplicate
 *   teruskan KODE instansi [tembusan a,b]  verify and forward (with copies)
 *   tunda KODE pertanyaan                  ask the citizen for more information
 *   bukanwewenang KODE [instansi] alasan   not our authority: re-route or back to the koordinator
 *   arsip KODE alasan                      archive (the citizen sees the reason)
 *   ambil KODE | proses KODE | tutup KODE  claim, in progress, close
 *   balas KODE teks|#templat               answer the citizen
 *   selesai KODE teks|#templat             answer and propose it as resolved
 *   catatan KODE teks                      internal note
 *   gabung KODE KODE_UTAMA                 merge a duplicate into the surviving complaint
 */
import { decideAccess, findTrackingCode, type InboundMessage, type OutboundMessage } from '../domain/index.js';
import { actAsOfficer, type CaseworkDeps, type OfficerRequest } from './casework.js';
import type { CaseStore, OfficerRecord } from './case-ports.js';
import { formatDate } from './lookup.js';
import { linkOfficer, type OfficerStore } from './onboarding.js';

export interface OfficerDeskDeps {
  casework: CaseworkDeps;
  cases: CaseStore;
  officers: OfficerStore;
  /** Linked identities ("CHANNEL:externalId"), kept fresh by the caller. */
  isOfficerChat: (key: string) => boolean;
  onLinked: (key: string) => void;
  timeZone: string;
}

export const OFFICER_HELP = [
  'Perintah petugas:',
  '• tugas — laporan terbuka Anda',
  '• lihat KODE',
  '• teruskan KODE instansi [tembusan instansi2,instansi3]',
  '• tunda KODE pertanyaan untuk pelapor',
  '• bukanwewenang KODE [instansi] alasan',
  '• arsip KODE alasan',
  '• ambil KODE · proses KODE · tutup KODE',
  '• balas KODE jawaban (atau #templat)',
  '• selesai KODE jawaban (atau #templat)',
  '• catatan KODE teks internal',
  '• gabung KODE KODE_UTAMA',
].join('\n');

const LINK = /^\/?daftar\s+(\S+)\s*$/i;

/** True when this message is for the officer desk: a link request, or anything from a linked chat. */
export function isForDesk(deps: Pick<OfficerDeskDeps, 'isOfficerChat'>, message: InboundMessage): boolean {
  if (message.content.kind === 'text' && LINK.test(message.content.text.trim())) return true;
  return deps.isOfficerChat(`${message.channel}:${message.senderId}`);
}

export async function handleDesk(deps: OfficerDeskDeps, message: InboundMessage): Promise<OutboundMessage[]> {
  const text = message.content.kind === 'text' ? message.content.text.trim() : message.content.kind === 'command' ? `/${message.content.command}` : '';
  const link = LINK.exec(text);
  if (link?.[1]) {
    const identity = { channel: message.channel, externalId: message.senderId };
    const answer = await linkOfficer(deps.officers, link[1], identity, message.receivedAt);
    if (answer.startsWith('Terhubung')) deps.onLinked(`${message.channel}:${message.senderId}`);
    return [{ text: answer }];
  }
  const officer = await deps.cases.findOfficerByIdentity(message.channel, message.senderId);
  if (!officer) return [{ text: 'Akun chat ini tidak terhubung ke petugas.' }];
  if (!officer.active) return [{ text: 'Akun petugas Anda nonaktif. Hubungi admin.' }];
  const parsed = parseOfficerCommand(text);
  if ('reply' in parsed) return [{ text: parsed.reply }];
  if ('list' in parsed) return [{ text: await listTasks(deps, officer) }];
  if ('view' in parsed) return [{ text: await viewCase(deps, officer, parsed.view) }];
  const outcome = await actAsOfficer(deps.casework, officer, parsed.request, message.receivedAt);
  return [{ text: outcome.ok ? `✅ ${outcome.message}` : `⚠️ ${outcome.message}` }];
}

/** The command words an officer may type while quoting a notice: passed on as written. */
const OFFICER_VERB = /^\/?(tugas|lihat|status|teruskan|tunda|bukanwewenang|arsip|ambil|proses|tutup|balas|selesai|catatan|gabung|bantuan|help|daftar)\b/i;

/**
 * What an officer's quote of the bot's message about complaint `code` means, on any channel: the
 * command they typed, or else their answer to the citizen ("balas KODE …").
 */
export function toOfficerAnswer(text: string, code: string): string {
  const trimmed = text.trim();
  return OFFICER_VERB.test(trimmed) ? text : `balas ${code} ${trimmed}`;
}

type Parsed = { reply: string } | { list: true } | { view: string } | { request: OfficerRequest };

/** Reads one officer command; a malformed one gets the line that says how to write it. */
export function parseOfficerCommand(text: string): Parsed {
  const line = text.trim().replace(/^\//, '');
  const [rawVerb = '', ...rest] = line.split(/\s+/);
  const verb = rawVerb.toLowerCase();
  if (verb === 'tugas') return { list: true };
  if (verb === '' || verb === 'bantuan' || verb === 'help' || verb === 'start') return { reply: OFFICER_HELP };
  const code = rest[0] ? findTrackingCode(rest[0]) : null;
  const usage = (form: string): Parsed => ({ reply: `Format: ${form}` });
  /** The text after the verb and `n` more words, as written (line breaks of an answer kept). */
  const after = (n: number) => {
    const skipped = new RegExp(`^\\S*(?:\\s+\\S+){${n}}`).exec(line);
    return skipped ? line.slice(skipped[0].length).trim() : '';
  };
  switch (verb) {
    case 'lihat':
    case 'status':
      return code ? { view: code } : usage(`${verb} KODE`);
    case 'teruskan': {
      const agencyCode = rest[1]?.toLowerCase();
      if (!code || !agencyCode || agencyCode === 'tembusan') return usage('teruskan KODE kode-instansi [tembusan kode-a,kode-b]');
      const copyIndex = rest.findIndex((w) => w.toLowerCase() === 'tembusan');
      const copyCodes = copyIndex > 0 ? rest.slice(copyIndex + 1).join(',').split(',').map((c) => c.trim().toLowerCase()).filter(Boolean) : [];
      return { request: { action: 'forward', code, agencyCode, copyCodes } };
    }
    case 'tunda':
    case 'arsip':
    case 'balas':
    case 'selesai':
    case 'catatan': {
      const body = after(1);
      const action = ({ tunda: 'hold', arsip: 'archive', balas: 'answer', selesai: 'resolve', catatan: 'note' } as const)[verb];
      if (!code || body.length < 2) return usage(`${verb} KODE teks`);
      return { request: { action, code, text: body } };
    }
    case 'bukanwewenang': {
      if (!code) return usage('bukanwewenang KODE [kode-instansi] alasan');
      const maybeAgency = rest[1]?.toLowerCase() ?? '';
      const named = /^[a-z0-9]+(-[a-z0-9]+)+$/.test(maybeAgency);
      const reason = after(named ? 2 : 1);
      if (reason.length < 2) return usage('bukanwewenang KODE [kode-instansi] alasan');
      return { request: { action: 'not_authority', code, text: reason, ...(named ? { agencyCode: maybeAgency } : {}) } };
    }
    case 'ambil':
    case 'proses':
    case 'tutup': {
      const action = ({ ambil: 'claim', proses: 'start', tutup: 'close' } as const)[verb];
      return code ? { request: { action, code } } : usage(`${verb} KODE`);
    }
    case 'gabung': {
      const into = rest[1] ? findTrackingCode(rest[1]) : null;
      return code && into ? { request: { action: 'merge', code, intoCode: into } } : usage('gabung KODE KODE_UTAMA');
    }
    default:
      return { reply: `Perintah "${verb}" tidak dikenal.\n\n${OFFICER_HELP}` };
  }
}

async function listTasks(deps: OfficerDeskDeps, officer: OfficerRecord): Promise<string> {
  const tree = await deps.cases.findAgencies();
  const cases = await deps.cases.findOpenCases(officer, tree, 20);
  if (cases.length === 0) return 'Tidak ada laporan terbuka di wilayah kerja Anda.';
  return ['Laporan terbuka (tenggat terdekat dulu):', ...cases.map((c) => `• ${c.trackingCode} [${c.status}] ${c.title.slice(0, 60)}${c.dueAt ? ` — tenggat ${formatDate(c.dueAt, 'id', deps.timeZone)}` : ''}`)].join('\n');
}

async function viewCase(deps: OfficerDeskDeps, officer: OfficerRecord, code: string): Promise<string> {
  const c = await deps.cases.findCase(code);
  const tree = await deps.cases.findAgencies();
  if (!c || decideAccess(officer, c, tree) === 'none') return `Laporan ${code} tidak ditemukan dalam wilayah kerja Anda.`;
  const facts = [
    `${c.trackingCode} — ${c.title}`,
    `Status: ${c.status}${c.agencyName ? ` · ${c.agencyName}` : ''}`,
    `Kategori: ${c.categoryName}`,
    `Dikirim: ${formatDate(c.submittedAt, 'id', deps.timeZone)}`,
    ...(c.anonymous ? ['Pelapor: anonim'] : []),
    ...(c.confidential ? ['Rahasia: isi tidak boleh dipublikasikan'] : []),
    ...(c.attachmentCount > 0 ? [`Lampiran: ${c.attachmentCount} berkas`] : []),
    ...(c.duplicateOfCode ? [`Kemungkinan duplikat dari ${c.duplicateOfCode} (gabung ${c.trackingCode} ${c.duplicateOfCode})`] : []),
  ];
  return `${facts.join('\n')}\n\n${c.description}`;
}
