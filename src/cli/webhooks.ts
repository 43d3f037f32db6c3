/**
 * `npm run cli -- webhook …`: outgoing webhook subscriptions from the shell (audited as the CLI operator).
 *   webhook add --name N --url URL [--agency CODE] [--events TYPE,TYPE]   prints the secret once
 *   webhook list | webhook rotate <id> | webhook disable <id> | webhook enable <id> | webhook remove <id>
 *   webhook deliveries <id> [--limit N] | webhook redeliver <id> <deliveryId>
 */
import { webhookSchemas } from '../http/admin/webhook-routes.js';
import { AdminError } from '../services/admin/errors.js';
import { cliActor } from '../store/admin/audit.js';
import * as webhooks from '../store/admin/webhooks.js';
import type { Db } from '../store/prisma.js';
import { SecretSealError, type SecretSealer } from '../store/secret-sealer.js';
import { checkSealedWebhookSecrets } from '../store/webhooks.js';
import { CliError, flag, uuidArg } from './args.js';

export const WEBHOOK_USAGE = 'webhook add --name N --url URL [--agency CODE] [--events TYPE,…] | webhook list | webhook rotate|disable|enable|remove <id> | webhook deliveries <id> [--limit N] | webhook redeliver <id> <deliveryId>';

const idOf = (value: string | undefined, what = 'webhook id') => uuidArg(value, `webhook: expected a ${what} (UUID); usage: ${WEBHOOK_USAGE}`);

/** Runs one webhook command and returns the text to print; throws CliError for bad input. */
export async function runWebhookCommand(db: Db, sub: string | undefined, args: readonly string[], options: { requireHttps: boolean; sealer: SecretSealer }): Promise<string> {
  const actor = cliActor();
  try {
    switch (sub) {
      case 'add': {
        const events = flag(args, 'events');
        const parsed = webhookSchemas(options.requireHttps).create.safeParse({
          name: flag(args, 'name'),
          url: flag(args, 'url'),
          ...(flag(args, 'agency') ? { agencyCode: flag(args, 'agency') } : {}),
          ...(events ? { eventTypes: events.split(',').map((e) => e.trim().toUpperCase()) } : {}),
        });
        if (!parsed.success) throw new CliError(`webhook add: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ')}`);
        // A key that does not open the secrets sealed already would seal this one apart from them.
        await checkSealedWebhookSecrets(db, options.sealer).catch((error: unknown) => {
          throw error instanceof SecretSealError ? new CliError(`webhook add: ${error.message}`) : error;
        });
        const created = await webhooks.createWebhook(db, actor, parsed.data, options.sealer);
        return `webhook ${created.id} ${created.url}\nsecret ${created.secret} (shown once; the receiver verifies signatures with it)`;
      }
      case 'list': {
        const rows = await webhooks.findWebhooks(db);
        if (rows.length === 0) return 'no webhooks';
        return rows.map((w) => `${w.id}  ${w.active ? 'active  ' : 'disabled'}  ${w.name}  ${w.url}  agency=${w.agencyCode ?? '*'}  events=${w.eventTypes.join(',') || '*'}`).join('\n');
      }
      case 'rotate': {
        const rotated = await webhooks.rotateWebhookSecret(db, actor, idOf(args[0]), options.sealer);
        return `webhook ${rotated.id}\nsecret ${rotated.secret} (shown once; the old secret no longer signs)`;
      }
      case 'disable':
      case 'enable': {
        const updated = await webhooks.updateWebhook(db, actor, idOf(args[0]), { active: sub === 'enable' });
        return `webhook ${updated.id} ${updated.active ? 'enabled' : 'disabled'}`;
      }
      case 'remove':
        await webhooks.deleteWebhook(db, actor, idOf(args[0]));
        return `webhook ${args[0] ?? ''} removed`;
      case 'deliveries': {
        const limit = Number(flag(args, 'limit') ?? '20');
        if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new CliError('webhook deliveries: --limit must be a whole number 1-100');
        const rows = await webhooks.findWebhookDeliveries(db, idOf(args[0]), limit);
        if (rows.length === 0) return 'no deliveries';
        return rows.map((d) => `${d.id}  event ${d.eventId}  ${d.status}  attempts=${d.attempts}  last=${d.lastStatusCode ?? '-'}${d.lastError ? `  ${d.lastError}` : ''}`).join('\n');
      }
      case 'redeliver': {
        const again = await webhooks.redeliverWebhook(db, actor, idOf(args[0]), idOf(args[1], 'delivery id'));
        return `delivery ${again.id} queued again (sent at the next scan)`;
      }
      default:
        throw new CliError(`usage: ${WEBHOOK_USAGE}`);
    }
  } catch (error) {
    if (error instanceof AdminError) throw new CliError(`webhook ${sub ?? ''}: ${error.message}`);
    throw error;
  }
}
