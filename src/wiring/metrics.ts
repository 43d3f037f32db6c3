/**
 * Prometheus metrics (GET /metrics). One registry per app, built in the composition root (never a
 * module singleton, so tests and several apps in one process do not share counters). Queue depths
 * and deadline breaches are read on scrape; inbound messages and job latencies are counted as they happen.
 */
import type { Queue, Worker } from 'bullmq';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** 1 when the channel can send and receive, 0 when it cannot. */
export type ChannelProbe = () => 0 | 1 | Promise<0 | 1>;

export interface Metrics {
  registry: Registry;
  countInbound(channel: string): void;
  /** A channel reports its health here; WhatsApp (and any later channel) calls it when it starts. */
  registerChannelHealth(name: string, probe: ChannelProbe): void;
  /** Records job wait (processedOn - timestamp) and run time (finishedOn - processedOn) of completed jobs. */
  observeWorkers(workers: readonly Worker[]): void;
  /** Adds a queue to the aduan_queue_jobs gauge (queues built after the metrics, such as the webhooks queue). */
  observeQueue(name: string, queue: Queue): void;
  /** One webhook delivery attempt by outcome: delivered, retry, failed, gone (410), skipped. */
  countWebhookDelivery(outcome: string): void;
}

export interface MetricsDeps {
  queues: Record<string, Queue>;
  /** Total DEADLINE_BREACHED events (read on scrape). */
  countDeadlineBreaches: () => Promise<number>;
}

const JOB_STATES = ['waiting', 'active', 'delayed', 'failed', 'prioritized', 'waiting-children'] as const;
const BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

export function createMetrics(deps: MetricsDeps): Metrics {
  const registry = new Registry();
  const probes = new Map<string, ChannelProbe>();
  const queues = new Map(Object.entries(deps.queues));
  const inbound = new Counter({ name: 'aduan_inbound_messages_total', help: 'Inbound messages handed to the inbound handler, per channel', labelNames: ['channel'], registers: [registry] });
  new Gauge({
    name: 'aduan_queue_jobs',
    help: 'Jobs per BullMQ queue and state, read on scrape',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      await Promise.all(
        [...queues].map(async ([name, queue]) => {
          const counts = await queue.getJobCounts(...JOB_STATES);
          for (const state of JOB_STATES) this.set({ queue: name, state }, counts[state] ?? 0);
        }),
      );
    },
  });
  const wait = new Histogram({ name: 'aduan_job_wait_seconds', help: 'Time from enqueue to the start of processing (processedOn - timestamp) of completed jobs', labelNames: ['queue'], buckets: BUCKETS, registers: [registry] });
  const run = new Histogram({ name: 'aduan_job_run_seconds', help: 'Processing time (finishedOn - processedOn) of completed jobs', labelNames: ['queue'], buckets: BUCKETS, registers: [registry] });
  new Counter({
    name: 'aduan_deadline_breaches_total',
    help: 'Deadlines breached (DEADLINE_BREACHED events in the complaint log), read on scrape',
    registers: [registry],
    async collect() {
      this.reset();
      this.inc(await deps.countDeadlineBreaches());
    },
  });
  new Gauge({
    name: 'aduan_channel_up',
    help: 'Channel health as its adapter reports it: 1 up, 0 down',
    labelNames: ['channel'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const [name, probe] of probes) {
        const state = await Promise.resolve(probe()).catch(() => 0);
        this.set({ channel: name }, state);
      }
    },
  });
  const webhooks = new Counter({ name: 'aduan_webhook_deliveries_total', help: 'Webhook delivery attempts by outcome (delivered, retry, failed, gone, skipped)', labelNames: ['outcome'], registers: [registry] });
  return {
    registry,
    countWebhookDelivery: (outcome) => webhooks.inc({ outcome }),
    observeQueue: (name, queue) => void queues.set(name, queue),
    countInbound: (channel) => inbound.inc({ channel }),
    registerChannelHealth: (name, probe) => void probes.set(name, probe),
    observeWorkers(workers) {
      for (const worker of workers) {
        worker.on('completed', (job) => {
          if (job.processedOn) wait.observe({ queue: worker.name }, Math.max(0, job.processedOn - job.timestamp) / 1000);
          if (job.processedOn && job.finishedOn) run.observe({ queue: worker.name }, Math.max(0, job.finishedOn - job.processedOn) / 1000);
        });
      }
    },
  };
}
