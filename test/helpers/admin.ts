/** Admin users, tokens and calls to the admin API of a test app. */
import { randomBytes } from 'node:crypto';
import type { AdminRole } from '../../src/services/admin-principal.js';
import { PgAdminAuth } from '../../src/store/admin-tokens.js';
import { cliActor } from '../../src/store/admin/audit.js';
import type { TestApp } from './app.js';

export async function adminToken(app: TestApp, role: AdminRole, agencyCode?: string, options: { expiresAt?: Date } = {}): Promise<{ token: string; userId: string; tokenId: string }> {
  const auth = new PgAdminAuth(app.db);
  const name = `${role.toLowerCase()}-${randomBytes(3).toString('hex')}`;
  const { id } = await auth.createUser(cliActor(), { name, role, agencyCode });
  const issued = await auth.issueToken(cliActor(), { user: name, label: 'test', expiresAt: options.expiresAt });
  return { token: issued.token, userId: id, tokenId: issued.id };
}

export interface Answer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read API answers as loose JSON
  json: any;
  body: string;
  headers: Record<string, unknown>;
}

export async function call(app: TestApp, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, token?: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await app.http!.inject({
    method,
    url,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined && typeof body !== 'string' ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { payload: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  let json: unknown;
  try {
    json = JSON.parse(response.body);
  } catch {
    json = null;
  }
  return { status: response.statusCode, json, body: response.body, headers: response.headers };
}

export const auditRows = (app: TestApp, action: string) => app.db.auditLog.findMany({ where: { action }, orderBy: { id: 'asc' } });
