/**
 * Files: getFile, then a download from the Bot API's file endpoint, bounded by size; and albums:
 * the photos of one media_group_id are collected briefly and handed on as one message. Timers are
 * injectable so tests fire them by hand.
 */
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import type { FileToFetch } from './inbound.js';

export type Download = { ok: true; data: Buffer } | { ok: false; reason: 'too-big' | 'failed'; detail: string };

export interface FileApi {
  getFile(fileId: string): Promise<{ file_path?: string | undefined; file_size?: number | undefined }>;
}

export interface DownloaderOptions {
  api: FileApi;
  fetch: typeof fetch;
  token: string;
  apiRoot: string;
  maxBytes: number;
  /**
   * A self-hosted Bot API server in --local mode answers getFile with an absolute path on its
   * disk (shared with this process); such files are read from there, not downloaded.
   */
  localFiles?: boolean;
}

export function createDownloader(options: DownloaderOptions): (file: FileToFetch) => Promise<Download> {
  const tooBig = (size: number): Download => ({ ok: false, reason: 'too-big', detail: `${size} bytes > ${options.maxBytes}` });
  return async (file) => {
    if (file.sizeBytes !== undefined && file.sizeBytes > options.maxBytes) return tooBig(file.sizeBytes);
    try {
      const info = await options.api.getFile(file.fileId);
      if (info.file_size !== undefined && info.file_size > options.maxBytes) return tooBig(info.file_size);
      if (!info.file_path) return { ok: false, reason: 'failed', detail: 'getFile returned no file_path' };
      if (options.localFiles && isAbsolute(info.file_path)) {
        const size = (await stat(info.file_path)).size;
        return size > options.maxBytes ? tooBig(size) : { ok: true, data: await readFile(info.file_path) };
      }
      const url = `${options.apiRoot.replace(/\/$/, '')}/file/bot${options.token}/${info.file_path.replace(/^\//, '')}`;
      const response = await options.fetch(url);
      if (!response.ok) return { ok: false, reason: 'failed', detail: `download answered ${response.status}` };
      const declared = Number(response.headers.get('content-length') ?? '0');
      if (declared > options.maxBytes) return tooBig(declared);
      const data = Buffer.from(await response.arrayBuffer());
      if (data.length > options.maxBytes) return tooBig(data.length);
      return { ok: true, data };
    } catch (error) {
      return { ok: false, reason: 'failed', detail: error instanceof Error ? error.message : String(error) };
    }
  };
}

/** Runs `run` after `ms`; the handle cancels it. Tests pass a scheduler they fire by hand. */
export type Scheduler = (run: () => void, ms: number) => { cancel(): void };

export const timerScheduler: Scheduler = (run, ms) => {
  const timer = setTimeout(run, ms);
  timer.unref();
  return { cancel: () => clearTimeout(timer) };
};

/** Collects items per key until `waitMs` passes without a new one, then flushes them together. */
export class AlbumCollector<T> {
  private readonly open = new Map<string, { items: T[]; timer: { cancel(): void } }>();
  private readonly flushing = new Set<Promise<void>>();

  constructor(
    private readonly scheduler: Scheduler,
    private readonly waitMs: number,
    private readonly onFlush: (key: string, items: T[]) => Promise<void>,
  ) {}

  add(key: string, item: T): void {
    const entry = this.open.get(key);
    entry?.timer.cancel();
    const items = [...(entry?.items ?? []), item];
    this.open.set(key, { items, timer: this.scheduler(() => this.flush(key), this.waitMs) });
  }

  private flush(key: string): void {
    const entry = this.open.get(key);
    if (!entry) return;
    this.open.delete(key);
    // onFlush reports its own failures; a rejection here must not go unhandled.
    const done = this.onFlush(key, entry.items).catch(() => undefined).finally(() => this.flushing.delete(done));
    this.flushing.add(done);
  }

  /** Flushes every open album now and waits for all flushes (shutdown, tests). */
  async drain(): Promise<void> {
    for (const [key, entry] of [...this.open]) {
      entry.timer.cancel();
      this.flush(key);
    }
    await Promise.allSettled([...this.flushing]);
  }

  /** Waits for flushes already running, without forcing open albums. */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.flushing]);
  }
}
