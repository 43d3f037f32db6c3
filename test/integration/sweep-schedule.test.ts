/**
 * The recovery sweep's schedule lives in Redis. A Redis restarted without persistence comes back
 * empty; the worker must put the schedule back when its queue connection is ready again, or no
 * pending submission would be re-enqueued until some process restarts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestApp, type TestApp } from '../helpers/app.js';

describe('recovery sweep schedule', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app.dispose();
  });

  it('is created at start and re-created after Redis lost it and the connection came back', async () => {
    const maintenance = app.queues.maintenance;
    expect(await maintenance.getJobScheduler('recover-pending')).toBeTruthy();
    await maintenance.removeJobScheduler('recover-pending');
    expect(await maintenance.getJobScheduler('recover-pending')).toBeFalsy();
    // What a restarted, empty Redis looks like to the service: its queue connection drops and comes back.
    const clients = String(await app.redis.client('LIST')).split('\n');
    const queueClient = clients.find((line: string) => line.includes(` name=${app.prefix}:queues `));
    const id = /\bid=(\d+)/.exec(queueClient ?? '')?.[1];
    expect(id, 'the queue connection carries its name').toBeTruthy();
    await app.redis.client('KILL', 'ID', id ?? '');
    // Until the connection is back, the queue refuses commands: keep asking.
    await eventually(async () => (await maintenance.getJobScheduler('recover-pending').catch(() => null)) ?? null, 'the schedule re-created on reconnect');
  });
});
