/**
 * Operator commands for admin users, tokens, CSV imports, holiday changes and the audit log
 * (`npm run cli -- admin|import|holiday|audit …`). Every change is audited as `cli:<os user>`.
 *   admin create-user --name N --role OPERATOR|ADMIN_KOORDINATOR|ADMIN_INSTANSI|PEJABAT_PENGHUBUNG [--agency CODE] [--officer ID]
 *   admin token <user> [--label L] [--expires YYYY-MM-DD]    prints the token once
 *   admin revoke <token id> | admin deactivate <user> | admin activate <user> | admin list
 *   import agencies|categories|routing <file.csv>             all rows or none; problems by line and column
 *   holiday list [year] | holiday add <YYYY-MM-DD> <name…> | holiday cancel <YYYY-MM-DD> <name…> | holiday remove <YYYY-MM-DD>
 *   audit [--limit N]
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { z } from 'zod';
import { parseIsoDate } from '../domain/index.js';
import { ADMIN_ROLES } from '../services/admin-principal.js';
import { AdminError } from '../services/admin/errors.js';
import { PgAdminAuth } from '../store/admin-tokens.js';
import { cliActor, findAudit } from '../store/admin/audit.js';
import { deleteHolidayOverride, findHolidayOverrides, saveHolidayOverride } from '../store/admin/categories.js';
import { importCsv, IMPORT_KINDS } from '../store/admin/csv-import.js';
import type { Db } from '../store/prisma.js';
import { CliError, flag, positional } from './args.js';

export const ADMIN_USAGE = [
  'admin create-user --name N --role ROLE [--agency CODE] [--officer ID] | admin token <user> [--label L] [--expires YYYY-MM-DD]',
  'admin revoke <token id> | admin deactivate <user> | admin activate <user> | admin list',
  'import agencies|categories|routing <file.csv>',
  'holiday list [year] | holiday add <date> <name> | holiday cancel <date> <name> | holiday remove <date>',
  'audit [--limit N]',
].join('\n  ');


function date(text: string | undefined, what: string): string {
  if (!text || !parseIsoDate(text) || text < '2000-01-01' || text > '2100-12-31') throw new CliError(`${what}: expected a date YYYY-MM-DD between 2000-01-01 and 2100-12-31, got "${text ?? ''}"`);
  return text;
}

/** Runs one command and returns what to print; throws CliError (exit 2) for bad input. */
export async function runAdminCommand(db: Db, command: string, sub: string | undefined, args: string[]): Promise<string> {
  try {
    return await dispatch(db, command, sub, args);
  } catch (error) {
    if (error instanceof AdminError) throw new CliError(`${command} ${sub ?? ''}: ${error.message}`);
    throw error;
  }
}

async function dispatch(db: Db, command: string, sub: string | undefined, args: string[]): Promise<string> {
  const actor = cliActor();
  const auth = new PgAdminAuth(db);
  if (command === 'admin') {
    switch (sub) {
      case 'create-user': {
        const role = ADMIN_ROLES.find((r) => r === flag(args, 'role'));
        const name = flag(args, 'name');
        if (!name || !role) throw new CliError(`admin create-user: needs --name and --role (${ADMIN_ROLES.join('|')})`);
        const { id } = await auth.createUser(actor, { name, role, agencyCode: flag(args, 'agency'), officerId: flag(args, 'officer') });
        return `admin user ${id} (${name}, ${role}); next: npm run cli -- admin token ${name}`;
      }
      case 'token': {
        const user = positional(args)[0];
        if (!user) throw new CliError('admin token: needs the user name or id');
        const expires = flag(args, 'expires');
        const issued = await auth.issueToken(actor, { user, label: flag(args, 'label') ?? 'cli', expiresAt: expires ? new Date(`${date(expires, '--expires')}T00:00:00Z`) : undefined });
        return `token ${issued.id}${issued.expiresAt ? ` (expires ${issued.expiresAt.toISOString()})` : ''}\n${issued.token}\nThe token is shown only now: store it (Authorization: Bearer <token>).`;
      }
      case 'revoke':
        await auth.revokeToken(actor, positional(args)[0] ?? '');
        return `token ${positional(args)[0] ?? ''} revoked`;
      case 'activate':
      case 'deactivate':
        await auth.setUserActive(actor, positional(args)[0] ?? '', sub === 'activate');
        return `admin user ${positional(args)[0] ?? ''} ${sub}d`;
      case 'list':
        return (await auth.listUsers()).map((u) => [u.id, u.active ? 'active' : 'inactive', u.role, u.name, ...u.tokens.map((t) => `  token ${t.id} ${t.label} ${t.revokedAt ? 'revoked' : t.expiresAt && t.expiresAt < new Date() ? 'expired' : 'valid'} last used ${t.lastUsedAt?.toISOString() ?? 'never'}`)].join('\t').replace(/\t {2}/g, '\n  ')).join('\n') || 'no admin users';
    }
  }
  if (command === 'import') {
    const kind = IMPORT_KINDS.find((k) => k === sub);
    const file = args[0];
    if (!kind || !file) throw new CliError(`import: usage import ${IMPORT_KINDS.join('|')} <file.csv>`);
    const result = await importCsv(db, actor, kind, await readFile(file, 'utf8'), basename(file));
    if (!result.ok) throw new CliError(`${basename(file)}: nothing imported, fix these and run again:\n${result.problems.map((p) => `  ${p}`).join('\n')}`);
    return `${kind}: ${result.created} created, ${result.updated} updated`;
  }
  if (command === 'holiday') {
    const [when, ...words] = positional(args);
    switch (sub) {
      case 'list': {
        const year = z.coerce.number().int().optional().parse(when);
        return (await findHolidayOverrides(db)).filter((h) => !year || h.date.startsWith(`${year}-`)).map((h) => `${h.date}\t${h.kind}\t${h.name}`).join('\n') || 'no holiday changes (calendar files only)';
      }
      case 'add':
      case 'cancel': {
        const name = words.join(' ').trim();
        if (!name) throw new CliError(`holiday ${sub}: needs a date and a name`);
        await saveHolidayOverride(db, actor, { date: date(when, `holiday ${sub}`), kind: sub === 'add' ? 'EXTRA' : 'CANCELLED', name });
        return `${when ?? ''} ${sub === 'add' ? 'is now a day off' : 'is now a working day'}; running services pick it up within a minute`;
      }
      case 'remove':
        await deleteHolidayOverride(db, actor, date(when, 'holiday remove'));
        return `holiday change on ${when ?? ''} removed`;
    }
  }
  if (command === 'audit') {
    const limit = z.coerce.number().int().min(1).max(1000).safeParse(flag(args, 'limit') ?? '50');
    if (!limit.success) throw new CliError('audit: --limit must be a whole number 1-1000');
    const { items } = await findAudit(db, { agencyIds: 'all', limit: limit.data });
    return items.map((r) => `${r.at}\t${r.actorName} (${r.actorRole}, ${r.via})\t${r.action}\t${r.targetType}:${r.targetId ?? '-'}`).join('\n') || 'no audit rows';
  }
  throw new CliError(`usage:\n  ${ADMIN_USAGE}`);
}
