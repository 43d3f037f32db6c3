/** Small measuring tools: percentiles, a seeded random source, lanes of concurrent work, resource probes. */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

export interface LatencySummary {
  count: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

const round = (ms: number, digits = 2) => Number(ms.toFixed(digits));

/** Nearest-rank percentiles of a set of durations in milliseconds. */
export function summarise(samples: readonly number[]): LatencySummary {
  const sorted = Float64Array.from(samples).sort();
  const at = (p: number) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!);
  return { count: sorted.length, p50Ms: round(at(50)), p95Ms: round(at(95)), p99Ms: round(at(99)), maxMs: round(sorted.at(-1) ?? 0) };
}

/** mulberry32: reproducible citizens for a given BENCH_SEED. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
}

/** Runs `count` lanes of `work` side by side (each lane is sequential) and waits for all of them. */
export async function lanes(count: number, work: (lane: number) => Promise<void>): Promise<void> {
  await Promise.all(Array.from({ length: count }, (_, lane) => work(lane)));
}

/** Waits until `due` (a performance.now() instant); setTimeout has about 1 ms of resolution. */
export async function sleepUntil(due: number): Promise<void> {
  const wait = due - performance.now();
  if (wait > 0) await sleep(wait);
}

export interface ProbeReading {
  wallSeconds: number;
  /** Node's own CPU time over the wall time: 100 = one core busy (PostgreSQL and Redis not included). */
  nodeCpuPercent: number;
  /**
   * The whole machine's busy CPU over the wall time (200 = both cores of a 2-core box): this process,
   * PostgreSQL, Redis, and anything else running. Much more than node + ~30 means someone else is busy.
   */
  machineCpuPercent: number;
  /** The worker child process's CPU over the wall time (0 when the workers run in this process). */
  workerCpuPercent: number;
  /** How late timers fired: a saturated event loop shows here before anywhere else. */
  eventLoopDelayP99Ms: number;
  eventLoopDelayMaxMs: number;
}

let workerPid: number | null = null;
/** The bench's worker child process, counted by every probe from now on (null: none). */
export function trackWorkerProcess(pid: number | null): void {
  workerPid = pid;
}

/** utime + stime of a process in ms, from /proc (0 when it is gone or /proc is not there). */
function processCpuMs(pid: number | null): number {
  if (pid === null) return 0;
  try {
    // Fields after the ")" of the command name: state is 1st, utime the 12th, stime the 13th (clock ticks, 100/s).
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) * 10;
  } catch {
    return 0;
  }
}

/** CPU and event-loop delay of this process (and the worker child's CPU) over one phase. */
export function startProbe(): () => ProbeReading {
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  const cpu = process.cpuUsage();
  const machine = machineBusyMs();
  const worker = processCpuMs(workerPid);
  const started = performance.now();
  return () => {
    histogram.disable();
    const wall = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    return {
      wallSeconds: round(wall),
      nodeCpuPercent: round(((used.user + used.system) / 1e6 / wall) * 100, 1),
      machineCpuPercent: round(((machineBusyMs() - machine) / 1000 / wall) * 100, 1),
      workerCpuPercent: round(((processCpuMs(workerPid) - worker) / 1000 / wall) * 100, 1),
      eventLoopDelayP99Ms: round(histogram.percentile(99) / 1e6),
      eventLoopDelayMaxMs: round(histogram.max / 1e6),
    };
  };
}

/** Busy (non-idle) CPU time of all cores since boot, in ms. */
function machineBusyMs(): number {
  return os.cpus().reduce((sum, { times }) => sum + times.user + times.nice + times.sys + times.irq, 0);
}

export const rssMb = () => round(process.memoryUsage().rss / 1048576, 1);

/** Samples RSS every 250 ms so the peak is not missed between phases. */
export function trackPeakRss(): { peak: () => number; stop: () => void } {
  let peak = rssMb();
  const timer = setInterval(() => {
    peak = Math.max(peak, rssMb());
  }, 250);
  timer.unref();
  return {
    peak: () => Math.max(peak, rssMb()),
    stop: () => clearInterval(timer),
  };
}
