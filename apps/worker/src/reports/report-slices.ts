import { PassThrough, Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import { REPORT_CSV_HEADER, writeReportCsv } from '@store-uptime/csv';
import { reportTable } from '@store-uptime/uptime';
import type { ReportStorage } from '@store-uptime/storage';
import type { ComputeResult } from '../compute/report-computation';
import { REPORT_STORAGE } from '../tokens';

/** Part downloads in flight ahead of the one being copied: a few MB of buffers at most. */
const PART_LOOKAHEAD = 4;

/**
 * Where a computed slice of a report goes: the whole report of an unsharded run, or one shard's
 * store range. Every output of a computed slice is written here, once per slice (a whole
 * report's CSV, or a shard's part), so an output added later (e.g. the rows in PostgreSQL) is
 * added in one place and runs per shard as well.
 */
@Injectable()
export class ReportSlices {
  constructor(@Inject(REPORT_STORAGE) private readonly storage: ReportStorage) {}

  /**
   * Streams the slice's CSV to `key`: with the header for a whole report, without it for a part
   * (parts are concatenated behind one header by `assemble`).
   */
  async persist(key: string, result: ComputeResult, options: { header: boolean; signal?: AbortSignal }): Promise<void> {
    await this.storage.ensureBucket();
    // The arrays the compute thread handed over, as the report table again (no copy).
    const table = reportTable(result.report);
    const body = new PassThrough();
    await this.upload(key, body, options.signal, () => writeReportCsv(table, body, { header: options.header }));
  }

  /**
   * One CSV from the header and the parts in order, streamed part after part (S3 → S3), so the
   * assembling worker holds a few MB whatever the fleet's size. The next parts' downloads start
   * while one is copied (PART_LOOKAHEAD of them): each GET's first byte waits a round trip, and one
   * after the other they were most of the assembly's time.
   */
  async assemble(key: string, partKeys: readonly string[], signal?: AbortSignal): Promise<void> {
    const storage = this.storage;
    async function* bytes() {
      yield Buffer.from(REPORT_CSV_HEADER);
      const started: Promise<Readable>[] = [];
      let next = 0;
      const startMore = () => {
        while (next < partKeys.length && started.length < PART_LOOKAHEAD) {
          const download = storage.download(partKeys[next++]);
          // Awaited in its turn below; until then a failure must not count as unhandled.
          download.catch(() => undefined);
          started.push(download);
        }
      };
      try {
        startMore();
        while (started.length > 0) {
          const part = await started.shift()!;
          startMore();
          for await (const chunk of part) yield chunk as Buffer;
        }
      } finally {
        // Stopped (a failed upload, a cancel) or failed: the downloads started ahead are closed too.
        for (const download of started) download.then((part) => part.destroy(), () => undefined);
      }
    }
    const body = Readable.from(bytes(), { objectMode: false });
    await this.upload(key, body, signal, () => Promise.resolve());
  }

  /** Removes every part of a report (assembled, cancelled, failed or expired). */
  discardParts(prefix: string): Promise<number> {
    return this.storage.discardPrefix(prefix);
  }

  private async upload(key: string, body: PassThrough | Readable, signal: AbortSignal | undefined, write: () => Promise<void>): Promise<void> {
    // Stopping the body (rather than Upload.abort(), which returns while a PUT is still in flight)
    // makes the upload settle only once S3 has answered: a multipart upload is aborted by the SDK
    // (leavePartsOnError false), and whatever did land is then deleted by the caller's discard.
    const onAbort = () => body.destroy(new Error('the upload was stopped'));
    signal?.addEventListener('abort', onAbort, { once: true });
    // Both sides must settle: a failed upload stops reading (the writer then errors too) and vice versa.
    const writing = write().catch((error: unknown) => {
      body.destroy(error as Error);
      throw error;
    });
    const uploading = this.storage.upload(key, body).catch((error: unknown) => {
      body.destroy();
      throw error;
    });
    const [written, uploaded] = await Promise.allSettled([writing, uploading]);
    signal?.removeEventListener('abort', onAbort);
    if (uploaded.status === 'rejected') throw uploaded.reason;
    if (written.status === 'rejected') throw written.reason;
  }
}
