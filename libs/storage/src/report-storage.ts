import type { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  S3Client,
  S3ServiceException,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

export interface S3Settings {
  /** Absent for AWS itself. */
  endpoint?: string;
  /** The endpoint presigned URLs are signed for (clients may reach S3 at another address than the apps). */
  publicEndpoint?: string;
  region: string;
  bucket: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  forcePathStyle: boolean;
  /** Milliseconds to open a connection to S3 before giving up (S3_CONNECT_TIMEOUT_MS). */
  connectTimeoutMs: number;
  /** Milliseconds without a response before a request gives up (S3_REQUEST_TIMEOUT_MS). */
  requestTimeoutMs: number;
}

/** The S3 key of a report's CSV; a rerun of the same report overwrites it (idempotent). */
export function reportKey(reportId: string): string {
  return `reports/${reportId}.csv`;
}

/**
 * Where the parts of a fanned-out report wait for assembly: under the report's own prefix, so one
 * listing finds them all when the report is assembled, cancelled or expired.
 */
export function reportPartsPrefix(reportId: string): string {
  return `reports/${reportId}/parts/`;
}

/** The S3 key of one shard's part (zero-padded, so the keys list in shard order). */
export function reportPartKey(reportId: string, shard: number): string {
  return `${reportPartsPrefix(reportId)}${String(shard).padStart(5, '0')}.csv`;
}

function clientConfig(settings: S3Settings, endpoint: string | undefined): S3ClientConfig {
  return {
    region: settings.region,
    ...(endpoint ? { endpoint } : {}),
    forcePathStyle: settings.forcePathStyle,
    ...(settings.accessKeyId && settings.secretAccessKey
      ? { credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey } }
      : {}),
    // Checksums only where S3 requires them: recent SDKs otherwise send CRC32 trailers that
    // S3-compatible servers (Ceph RGW, older MinIO) reject or mishandle.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // Without timeouts an unreachable S3 hangs a report (and the readiness probe) for minutes.
    requestHandler: {
      connectionTimeout: settings.connectTimeoutMs,
      requestTimeout: settings.requestTimeoutMs,
    },
  };
}

/** Whether an S3 error means "no such bucket" (HeadBucket answers a bare 404 without a code). */
function isNotFound(error: unknown): boolean {
  if (!(error instanceof S3ServiceException)) return false;
  return error.name === 'NotFound' || error.name === 'NoSuchBucket' || error.$metadata?.httpStatusCode === 404;
}

/**
 * Reports' CSV files in one bucket: streaming multipart upload, bucket creation, presigned GETs.
 * Plain class, no Nest: both apps wrap it in a provider.
 */
export class ReportStorage {
  readonly client: S3Client;
  private readonly presignClient: S3Client;
  private bucketReady: Promise<void> | null = null;

  constructor(readonly settings: S3Settings) {
    this.client = new S3Client(clientConfig(settings, settings.endpoint));
    this.presignClient =
      settings.publicEndpoint && settings.publicEndpoint !== settings.endpoint
        ? new S3Client(clientConfig(settings, settings.publicEndpoint))
        : this.client;
  }

  get bucket(): string {
    return this.settings.bucket;
  }

  /**
   * Creates the bucket when it is missing, so a new environment needs no manual step. Remembered
   * once it succeeded; a failure is
   * not remembered, so the next report tries again.
   */
  ensureBucket(): Promise<void> {
    this.bucketReady ??= this.createBucketIfMissing().catch((error: unknown) => {
      this.bucketReady = null;
      throw error;
    });
    return this.bucketReady;
  }

  private async createBucketIfMissing(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
      return;
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    try {
      await this.client.send(new CreateBucketCommand({ Bucket: this.bucket }));
    } catch (error) {
      // Another worker created it between our HEAD and CREATE.
      if (error instanceof S3ServiceException && error.name === 'BucketAlreadyOwnedByYou') return;
      throw error;
    }
  }

  /**
   * Streams `body` to `key` as a multipart upload (parts are buffered 5 MiB at a time, so memory
   * does not grow with the file; a small file becomes one PUT). Resolves once S3 has it all.
   */
  async upload(key: string, body: Readable, contentType = 'text/csv; charset=utf-8'): Promise<void> {
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, Body: body, ContentType: contentType },
      queueSize: 2,
      partSize: 5 * 1024 * 1024,
      leavePartsOnError: false,
    });
    await upload.done();
  }

  /**
   * Removes every trace of `key`: multipart uploads still open for it (aborted, so their parts are
   * freed) and the object. For a cancelled or expired report; deleting what is not there is fine.
   */
  async discard(key: string): Promise<void> {
    const open = await this.client.send(new ListMultipartUploadsCommand({ Bucket: this.bucket, Prefix: key }));
    for (const upload of open.Uploads ?? []) {
      if (upload.Key !== key || !upload.UploadId) continue;
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: upload.UploadId }));
    }
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  /**
   * `discard` for every key under `prefix` (a report's parts): the prefix's objects and open
   * multipart uploads listed once, the uploads aborted, then the objects deleted, all concurrently
   * (a report's parts are removed on the way to its completion, so their round trips add up to
   * its latency). One DeleteObject per key rather than DeleteObjects, which needs a Content-MD5 or
   * checksum header that S3-compatible servers handle unevenly (see requestChecksumCalculation); a
   * report has tens of parts, not thousands.
   */
  async discardPrefix(prefix: string): Promise<number> {
    const keys = new Set<string>();
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }));
      for (const object of page.Contents ?? []) if (object.Key) keys.add(object.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    const open = await this.client.send(new ListMultipartUploadsCommand({ Bucket: this.bucket, Prefix: prefix }));
    const uploads = (open.Uploads ?? []).filter((upload) => upload.Key && upload.UploadId);
    await Promise.all(uploads.map((upload) => this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: upload.Key, UploadId: upload.UploadId }))));
    for (const upload of uploads) keys.add(upload.Key!);
    await Promise.all([...keys].map((key) => this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }))));
    return keys.size;
  }

  /** The object's bytes as a stream (a part read back for assembly). */
  async download(key: string): Promise<Readable> {
    const answer = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    if (!answer.Body) throw new Error(`S3 returned no body for ${key}`);
    return answer.Body as Readable;
  }

  /** Whether `key` exists (for checks that a cancelled report left nothing behind). */
  async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return true;
    } catch (error) {
      if (error instanceof S3ServiceException && error.$metadata?.httpStatusCode === 404) return false;
      throw error;
    }
  }

  /** Open multipart uploads of `key` (none once a report is cancelled). */
  async openUploads(key: string): Promise<number> {
    const open = await this.client.send(new ListMultipartUploadsCommand({ Bucket: this.bucket, Prefix: key }));
    return (open.Uploads ?? []).filter((upload) => upload.Key === key).length;
  }

  /**
   * A GET URL for `key` valid `ttlSeconds`, signed for the public endpoint. Signing is local
   * (no request to S3), so a URL can be minted on every status read.
   */
  presignGet(key: string, ttlSeconds: number, downloadName?: string): Promise<string> {
    return getSignedUrl(
      this.presignClient,
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: key,
        ...(downloadName ? { ResponseContentDisposition: `attachment; filename="${downloadName}"` } : {}),
      }),
      { expiresIn: ttlSeconds },
    );
  }

  /**
   * Readiness: S3 answers and accepts our credentials. A missing bucket is ready (the worker
   * creates it); a refusal or an unreachable endpoint throws.
   */
  async check(): Promise<'ok' | 'bucket-missing'> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
      return 'ok';
    } catch (error) {
      if (isNotFound(error)) return 'bucket-missing';
      throw error;
    }
  }

  destroy(): void {
    this.client.destroy();
    if (this.presignClient !== this.client) this.presignClient.destroy();
  }
}

/** A short, client-safe description of an S3 failure (no request ids, no stack). */
export function describeS3Error(error: unknown): string {
  if (error instanceof S3ServiceException) {
    const status = error.$metadata?.httpStatusCode;
    // HEAD requests carry no error body, so the SDK only knows the status ("Unknown", "UnknownError").
    const named = error.name && error.name !== 'Unknown' ? error.name : null;
    const message = error.message && error.message !== 'UnknownError' && error.message !== error.name ? error.message : null;
    const hint = status === 403 && !named ? 'access denied (wrong credentials or no permission on the bucket)' : null;
    return [named, hint, message].filter(Boolean).join(': ') + (status ? ` (HTTP ${status})` : '');
  }
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}
