/**
 * Real processes for the scale-out and fault tests: a private `redis-server` and PostgreSQL 15 on
 * free ports (so a test can kill them without disturbing anyone else), and Aduan itself started as
 * `node --import tsx src/main.ts --role …`. Everything lives under a fresh /tmp directory that
 * `stop()` removes. PostgreSQL refuses to run as root: when the tests run as root, initdb and postgres
 * are started with the uid/gid of the `postgres` user (spawn's own uid/gid options, so the pid we
 * hold is the postmaster's and SIGKILL reaches it).
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../src/app.js';

export const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

/** A port nobody listens on right now (the kernel picks it). */
export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Polls `check` until it returns a value; never a fixed sleep. */
export async function until<T>(check: () => Promise<T | null | undefined | false> | T | null | undefined | false, what: string, timeoutMs = 20_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last instanceof Error ? ` (last error: ${last.message})` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Kills and waits for the exit, so a port or data directory is free again afterwards. */
async function killAndWait(child: ChildProcess | null, signal: NodeJS.Signals): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const done = exited(child);
  child.kill(signal);
  await done;
}

const asPostgres = (): { uid?: number; gid?: number } => {
  if (process.getuid?.() !== 0) return {};
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
};

/** A private redis-server. `persistent` turns on the append-only file (fsync always), as production should. */
export class RedisServer {
  private child: ChildProcess | null = null;
  private constructor(
    readonly port: number,
    readonly dir: string,
    private readonly persistent: boolean,
    private readonly cluster: boolean,
  ) {}

  /**
   * `cluster`: a one-node Redis Cluster owning all 16384 slots. Redis then refuses (CROSSSLOT) any
   * script or multi-key command whose keys hash to different slots, as a real cluster would.
   */
  static async start(options: { persistent?: boolean; cluster?: boolean } = {}): Promise<RedisServer> {
    const server = new RedisServer(await freePort(), mkdtempSync(join(tmpdir(), 'aduan-redis-')), options.persistent ?? false, options.cluster ?? false);
    await server.start();
    if (server.cluster) {
      execFileSync('redis-cli', ['-p', String(server.port), 'CLUSTER', 'ADDSLOTSRANGE', '0', '16383']);
      await until(() => execFileSync('redis-cli', ['-p', String(server.port), 'CLUSTER', 'INFO'], { encoding: 'utf8' }).includes('cluster_state:ok'), 'cluster_state:ok', 15_000);
    }
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--save', '', '--maxmemory-policy', 'noeviction'];
    args.push('--appendonly', this.persistent ? 'yes' : 'no', '--appendfsync', 'always');
    if (this.cluster) args.push('--cluster-enabled', 'yes', '--cluster-config-file', join(this.dir, 'nodes.conf'));
    const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
    await until(() => output.includes('Ready to accept connections') || (child.exitCode !== null && Promise.reject(new Error(output))), `redis-server on ${this.port}`, 15_000);
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    await killAndWait(this.child, signal);
  }

  /** `empty`: the append-only file is deleted first, so Redis comes back with nothing (a restart without persistence). */
  async restart(options: { empty?: boolean } = {}): Promise<void> {
    await this.kill('SIGKILL');
    if (options.empty) for (const name of ['appendonlydir', 'dump.rdb']) rmSync(join(this.dir, name), { recursive: true, force: true });
    await this.start();
  }

  async stop(): Promise<void> {
    await this.kill('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * A private PostgreSQL 15 cluster (trust auth, fsync off: it is thrown away, and a process kill keeps
 * the OS page cache). synchronous_commit stays on: with it off a SIGKILL loses commits the citizen was
 * already told about, which the PostgreSQL crash test caught (a confirmed submission vanished).
 */
export class PostgresServer {
  private child: ChildProcess | null = null;
  private output = '';
  private constructor(
    readonly port: number,
    readonly dir: string,
  ) {}

  static async start(): Promise<PostgresServer> {
    const dir = mkdtempSync(join(tmpdir(), 'aduan-pg-'));
    const owner = asPostgres();
    if (owner.uid !== undefined && owner.gid !== undefined) chownSync(dir, owner.uid, owner.gid);
    const server = new PostgresServer(await freePort(), dir);
    execFileSync(join(PG_BIN, 'initdb'), ['-D', join(dir, 'data'), '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8', '--locale', 'C'], { ...owner, stdio: 'pipe' });
    await server.start();
    return server;
  }

  url(database: string): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/${database}`;
  }

  /** Starts the postmaster; retried while backends of a killed one still hold the old shared memory. */
  async start(): Promise<void> {
    await until(() => this.startOnce(), `postgres on ${this.port}`, 30_000, 200);
  }

  private async startOnce(): Promise<boolean> {
    const args = ['-D', join(this.dir, 'data'), '-p', String(this.port), '-k', this.dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'full_page_writes=off', '-c', 'max_connections=100'];
    const child = spawn(join(PG_BIN, 'postgres'), args, { ...asPostgres(), stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.output = '';
    child.stderr?.on('data', (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-4000)));
    await until(() => this.output.includes('ready to accept connections') || child.exitCode !== null, `postgres on ${this.port} to start or fail`, 30_000);
    if (child.exitCode === null) return true;
    if (/shared memory|lock file|already in use/i.test(this.output)) return false;
    throw new Error(`postgres did not start: ${this.output}`);
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    await killAndWait(this.child, signal);
  }

  async restart(): Promise<void> {
    await this.kill('SIGKILL');
    await this.start();
  }

  async stop(): Promise<void> {
    await this.kill('SIGQUIT');
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface LogLine {
  msg?: string;
  level?: number;
  [key: string]: unknown;
}

/** One `npm start`-like process of Aduan (tsx, no build step) with its pino lines collected. */
export class AduanProcess {
  readonly lines: LogLine[] = [];
  private stderr = '';
  private readonly child: ChildProcess;

  private constructor(
    readonly role: string,
    env: Record<string, string>,
  ) {
    this.child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', '--role', role], {
      cwd: projectRoot,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'info', AUTO_MIGRATE: 'false', AUTO_SEED: 'false', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let buffer = '';
    this.child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const parts = buffer.split('\n');
      buffer = parts.pop() ?? '';
      for (const part of parts) {
        try {
          this.lines.push(JSON.parse(part) as LogLine);
        } catch {
          this.lines.push({ msg: part });
        }
      }
    });
    this.child.stderr?.on('data', (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString()).slice(-8000)));
  }

  /** Starts the process and waits for its "Aduan is running" line. */
  static async start(role: 'all' | 'web' | 'worker' | 'channels', env: Record<string, string>, timeoutMs = 60_000): Promise<AduanProcess> {
    const proc = new AduanProcess(role, env);
    await until(
      () => {
        if (proc.exitCode !== null) throw new Error(`aduan --role ${role} exited with ${String(proc.exitCode)}: ${proc.stderr}${JSON.stringify(proc.lines.slice(-5))}`);
        return proc.logged('Aduan is running');
      },
      `aduan --role ${role} to start`,
      timeoutMs,
      100,
    );
    return proc;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get exitCode(): number | string | null {
    return this.child.exitCode ?? this.child.signalCode;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  get errorOutput(): string {
    return this.stderr;
  }

  logged(msg: string): LogLine | undefined {
    return this.lines.find((line) => line.msg === msg);
  }

  linesWith(msg: string): LogLine[] {
    return this.lines.filter((line) => line.msg === msg);
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    await killAndWait(this.child, signal);
  }

  /** SIGTERM (graceful), then SIGKILL if it has not left after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.alive) return;
    const done = exited(this.child);
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await done;
    clearTimeout(timer);
  }
}

/** Throws when a directory the helpers made is still there (used by tests that check their clean-up). */
export const exists = (path: string) => existsSync(path);
