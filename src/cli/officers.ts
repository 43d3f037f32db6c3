/**
 * `npm run cli -- officer …`: the same audited store functions as the admin API's /officers routes,
 * acting as `cli:<os user>`, so an officer made at the shell leaves the same audit row as one made by API.
 *   officer create --name N --role ADMIN_KOORDINATOR|ADMIN_INSTANSI|PEJABAT_PENGHUBUNG --agency CODE
 *   officer code <id> | officer deactivate <id> | officer activate <id> | officer list
 */
import { OFFICER_ROLES } from '../domain/index.js';
import { AdminError } from '../services/admin/errors.js';
import { cliActor } from '../store/admin/audit.js';
import { createOfficer, findOfficers, issueOfficerCode, setOfficerActive } from '../store/admin/officers.js';
import type { Db } from '../store/prisma.js';
import { CliError, flag, uuidArg } from './args.js';

export const OFFICER_USAGE = 'officer create --name N --role ROLE --agency CODE | officer code <id> | officer deactivate <id> | officer activate <id> | officer list';

const officerId = (sub: string, args: string[]) => uuidArg(args[0], `officer ${sub}: expected an officer id (a UUID from "officer list"), got "${args[0] ?? ''}"`);

export interface OfficerCommandOptions {
  now: Date;
  linkCodeHours: number;
}

/** Runs one officer command and returns what to print; throws CliError (exit 2) for bad input. */
export async function runOfficerCommand(db: Db, sub: string | undefined, args: string[], options: OfficerCommandOptions): Promise<string> {
  try {
    return await dispatch(db, sub, args, options);
  } catch (error) {
    if (error instanceof AdminError) throw new CliError(`officer ${sub ?? ''}: ${error.message}`);
    throw error;
  }
}

async function dispatch(db: Db, sub: string | undefined, args: string[], { now, linkCodeHours }: OfficerCommandOptions): Promise<string> {
  const actor = cliActor();
  switch (sub) {
    case 'create': {
      const name = flag(args, 'name')?.trim();
      const role = OFFICER_ROLES.find((r) => r === flag(args, 'role'));
      const agencyCode = flag(args, 'agency');
      if (!name || !role || !agencyCode) throw new CliError(`officer create: needs --name, --role (${OFFICER_ROLES.join('|')}) and --agency <agency code>`);
      const agency = await db.agency.findUnique({ where: { code: agencyCode }, select: { id: true, active: true } });
      if (!agency) throw new CliError(`officer create: no agency with code "${agencyCode}"`);
      if (!agency.active) throw new CliError(`officer create: agency "${agencyCode}" is inactive`);
      const created = await createOfficer(db, actor, { name, role, agencyId: agency.id }, now, linkCodeHours);
      return `officer ${created.officerId}\nlink code ${created.code} (valid until ${created.expiresAt.toISOString()}): the officer sends "daftar ${created.code}" to the bot`;
    }
    case 'code': {
      const issued = await issueOfficerCode(db, actor, officerId(sub, args), now, linkCodeHours);
      return `link code ${issued.code} (valid until ${issued.expiresAt.toISOString()})`;
    }
    case 'deactivate':
    case 'activate': {
      const id = officerId(sub, args);
      await setOfficerActive(db, actor, id, sub === 'activate');
      return `officer ${id} ${sub}d`;
    }
    case 'list': {
      const officers = await findOfficers(db, 'all');
      return officers.map((o) => `${o.id}\t${o.active ? 'active' : 'inactive'}\t${o.role}\t${o.agencyCode}\t${o.name}\t${o.channels.join(',') || '-'}`).join('\n') || 'no officers';
    }
    default:
      throw new CliError(`usage: ${OFFICER_USAGE}`);
  }
}
