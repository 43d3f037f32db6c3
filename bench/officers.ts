/**
 * Officers answering: agency officers (created and linked as an operator would: a one-time link code,
 * then "daftar <code>" from their chat) answer a share of the complaints the citizens filed, with
 * "balas KODE teks" through the web chat contract (the officer path every channel shares:
 * inbound → officer desk → casework → event log → notify queue → the citizen's channel). The
 * citizens' chats are watched until each answer arrives.
 *
 * `officerAnswersPerSecond`: answers received by citizens per second, from the first command to the
 * last arrival. `answerToCitizen`: from the officer's message entering the handler to the answer
 * being readable in the citizen's chat (what the page's next poll would show).
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { createOfficerWithCode } from '../src/services/onboarding.js';
import { post, progress, settle } from './harness.js';
import type { PhaseContext } from './phases.js';
import { lanes, startProbe, summarise, type LatencySummary, type ProbeReading } from './stats.js';

export interface OfficerResult {
  /** Complaints answered (those routed to an agency, up to the share asked for). */
  answers: number;
  officers: number;
  lanes: number;
  seconds: number;
  officerAnswersPerSecond: number;
  /** Officer commands that were refused or threw, and answers that never arrived in time. */
  errors: number;
  command: LatencySummary;
  answerToCitizen: LatencySummary;
  probe: ProbeReading;
}

const DELIVERY_TIMEOUT_MS = 60_000;

interface Waiting {
  chatId: string;
  marker: string;
  cursor: string | undefined;
  startedAt: number;
}

export async function officerPhase(ctx: PhaseContext, options: { filed: readonly { code: string; chatId: string }[]; share: number; lanes: number }): Promise<OfficerResult> {
  const { app } = ctx;
  await settle(app);
  const chatOf = new Map(options.filed.map((f) => [f.code, f.chatId]));
  const rows = await app.db.complaint.findMany({ where: { trackingCode: { in: [...chatOf.keys()] }, status: 'FORWARDED', agencyId: { not: null } }, select: { trackingCode: true, agency: { select: { code: true } } } });
  const work = rows.slice(0, Math.ceil(rows.length * options.share)).flatMap((r) => (r.agency ? [{ code: r.trackingCode, agencyCode: r.agency.code, chatId: chatOf.get(r.trackingCode)! }] : []));
  // One officer per agency and lane: a lane's commands never wait for another lane's chat lock.
  const officers = new Map<string, string>();
  const officerChat = async (agencyCode: string, lane: number): Promise<string> => {
    const key = `${agencyCode}:${lane}`;
    const known = officers.get(key);
    if (known) return known;
    const created = await createOfficerWithCode(app.cases.officers, { name: `Petugas bench ${key}`, role: 'ADMIN_INSTANSI', agencyCode }, new Date(), 1);
    if ('error' in created) throw new Error(created.error);
    const chatId = `bench-officer-${agencyCode}-${lane}-${Date.now()}`.replace(/[^A-Za-z0-9_-]/g, '-');
    const { outcome } = await post(app, { chatId, text: `daftar ${created.code}` });
    if (outcome.kind !== 'handled' || !outcome.replies.some((r) => r.text.startsWith('Terhubung sebagai petugas'))) throw new Error(`officer ${key} was not linked`);
    officers.set(key, chatId);
    return chatId;
  };
  // Where each citizen's chat stands now, so only the answer is looked for.
  const cursors = new Map<string, string | undefined>();
  for (const item of work) cursors.set(item.chatId, (await app.webchat.read(item.chatId, undefined)).cursor ?? undefined);
  for (const agencyCode of new Set(work.map((w) => w.agencyCode))) for (let lane = 0; lane < options.lanes; lane++) await officerChat(agencyCode, lane);

  const commandMs: number[] = [];
  const deliveryMs: number[] = [];
  const waiting = new Set<Waiting>();
  let errors = 0;
  let sending = true;
  const watcher = (async () => {
    while ((sending || waiting.size > 0) && !ctx.signal.aborted) {
      const now = performance.now();
      await Promise.all(
        [...waiting].map(async (w) => {
          const { messages, cursor } = await app.webchat.read(w.chatId, w.cursor);
          w.cursor = cursor ?? w.cursor;
          if (messages.some((m) => m.text.includes(w.marker))) {
            deliveryMs.push(performance.now() - w.startedAt);
            waiting.delete(w);
          } else if (now - w.startedAt > DELIVERY_TIMEOUT_MS) {
            errors++;
            waiting.delete(w);
          }
        }),
      );
      await sleep(2);
    }
  })();

  let taken = 0;
  const stop = startProbe();
  const started = performance.now();
  await lanes(options.lanes, async (lane) => {
    while (taken < work.length && !ctx.signal.aborted) {
      const item = work[taken++]!;
      const marker = `tindak lanjut bench ${item.code}`;
      const officer = await officerChat(item.agencyCode, lane);
      const entry: Waiting = { chatId: item.chatId, marker, cursor: cursors.get(item.chatId), startedAt: performance.now() };
      try {
        const { outcome, ms } = await post(app, { chatId: officer, text: `balas ${item.code} Sudah kami ${marker}, terima kasih.` });
        commandMs.push(ms);
        if (outcome.kind === 'handled' && outcome.replies.some((r) => r.text.startsWith('✅'))) waiting.add(entry);
        else errors++;
      } catch (error) {
        progress(`officer answer to ${item.code} failed: ${error instanceof Error ? error.message : String(error)}`);
        errors++;
      }
    }
  });
  sending = false;
  await watcher;
  const seconds = (performance.now() - started) / 1000;
  const probe = stop();
  return {
    answers: deliveryMs.length,
    officers: officers.size,
    lanes: options.lanes,
    seconds: Number(seconds.toFixed(2)),
    officerAnswersPerSecond: seconds > 0 ? Number((deliveryMs.length / seconds).toFixed(1)) : 0,
    errors,
    command: summarise(commandMs),
    answerToCitizen: summarise(deliveryMs),
    probe,
  };
}
