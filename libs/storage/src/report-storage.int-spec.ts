import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { CreateMultipartUploadCommand, DeleteBucketCommand, DeleteObjectCommand, HeadBucketCommand, ListMultipartUploadsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { ReportStorage, describeS3Error, reportKey, reportPartKey, reportPartsPrefix } from './report-storage';

// The machine's S3 server (Ceph RGW, started by scripts/services/ensure-services.sh).
const endpoint = process.env.TEST_S3_ENDPOINT ?? 'http://127.0.0.1:7480';
const base = {
  endpoint,
  region: 'us-east-1',
  accessKeyId: process.env.TEST_S3_ACCESS_KEY_ID ?? 'testak',
  secretAccessKey: process.env.TEST_S3_SECRET_ACCESS_KEY ?? 'testsecret',
  forcePathStyle: true,
  connectTimeoutMs: 3_000,
  requestTimeoutMs: 30_000,
};

async function emptyAndDelete(storage: ReportStorage): Promise<void> {
  const listed = await storage.client.send(new ListObjectsV2Command({ Bucket: storage.bucket })).catch(() => null);
  for (const object of listed?.Contents ?? []) {
    await storage.client.send(new DeleteObjectCommand({ Bucket: storage.bucket, Key: object.Key! }));
  }
  await storage.client.send(new DeleteBucketCommand({ Bucket: storage.bucket })).catch(() => undefined);
}

describe('ReportStorage against a real S3 server', () => {
  const bucket = `su-storage-${randomBytes(5).toString('hex')}`;
  const storage = new ReportStorage({ ...base, bucket });

  afterAll(async () => {
    await emptyAndDelete(storage);
    storage.destroy();
  });

  it('creates the missing bucket once and reports it ready', async () => {
    await expect(storage.check()).resolves.toBe('bucket-missing');
    await storage.ensureBucket();
    await storage.ensureBucket();
    await expect(storage.client.send(new HeadBucketCommand({ Bucket: bucket }))).resolves.toBeDefined();
    await expect(storage.check()).resolves.toBe('ok');
  });

  it('streams an upload larger than one part and serves it back through a presigned URL', async () => {
    const line = 'store,1.00,2.00\n';
    const lines = Math.ceil((6 * 1024 * 1024) / line.length); // > one 5 MiB part: a real multipart upload
    const body = Readable.from(
      (function* () {
        for (let i = 0; i < lines; i += 1000) yield line.repeat(Math.min(1000, lines - i));
      })(),
    );
    const key = reportKey('0123456789abcdef0123456789abcdef');
    await storage.upload(key, body);

    const url = await storage.presignGet(key, 60, 'report.csv');
    const response = await fetch(url);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text.length).toBe(lines * line.length);
    expect(text.startsWith(line)).toBe(true);
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="report.csv"');
  });

  it("removes every part of one report (an open upload included), and only that report's, and reads a part back as a stream", async () => {
    const [id, other] = ['1'.repeat(32), '2'.repeat(32)];
    for (const shard of [0, 1, 2]) await storage.upload(reportPartKey(id, shard), Readable.from([`part ${shard}\n`]));
    await storage.upload(reportPartKey(other, 0), Readable.from(['other\n']));
    await storage.upload(reportKey(id), Readable.from(['whole\n']));
    let text = '';
    for await (const chunk of await storage.download(reportPartKey(id, 1))) text += String(chunk);
    expect(text).toBe('part 1\n');

    // A part whose upload was cut off: its open multipart upload goes too.
    await storage.client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: reportPartKey(id, 3) }));

    await expect(storage.discardPrefix(reportPartsPrefix(id))).resolves.toBe(4);
    const open = await storage.client.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: reportPartsPrefix(id) }));
    expect(open.Uploads ?? []).toEqual([]);
    const left = await storage.client.send(new ListObjectsV2Command({ Bucket: bucket }));
    const keys = (left.Contents ?? []).map((object) => object.Key);
    expect(keys).toEqual(expect.arrayContaining([reportPartKey(other, 0), reportKey(id)]));
    expect(keys.filter((key) => key?.startsWith(reportPartsPrefix(id)))).toEqual([]);
    await expect(storage.discardPrefix(reportPartsPrefix(id))).resolves.toBe(0);
  });

  it('overwrites the same key when a report is rerun', async () => {
    const key = reportKey('ffffffffffffffffffffffffffffffff');
    await storage.upload(key, Readable.from(['first\n']));
    await storage.upload(key, Readable.from(['second\n']));
    const response = await fetch(await storage.presignGet(key, 60));
    await expect(response.text()).resolves.toBe('second\n');
  });

  it('refuses a presigned URL whose signature was changed', async () => {
    const key = reportKey('ffffffffffffffffffffffffffffffff');
    const url = new URL(await storage.presignGet(key, 60));
    const signature = url.searchParams.get('X-Amz-Signature')!;
    url.searchParams.set('X-Amz-Signature', `${signature[0] === 'a' ? 'b' : 'a'}${signature.slice(1)}`);
    const response = await fetch(url);
    expect(response.status).toBe(403);
  });

  it('signs URLs for the public endpoint when one is configured', async () => {
    const publicStorage = new ReportStorage({ ...base, bucket, publicEndpoint: 'http://localhost:9000' });
    const url = new URL(await publicStorage.presignGet(reportKey('ffffffffffffffffffffffffffffffff'), 60));
    publicStorage.destroy();
    expect(url.origin).toBe('http://localhost:9000');
    expect(url.pathname).toBe(`/${bucket}/reports/ffffffffffffffffffffffffffffffff.csv`);
  });

  it('fails with a readable reason when the credentials are wrong', async () => {
    const wrong = new ReportStorage({ ...base, bucket: `${bucket}-x`, secretAccessKey: 'not-the-secret' });
    const error: unknown = await wrong.ensureBucket().then(
      () => null,
      (e: unknown) => e,
    );
    wrong.destroy();
    expect(error).not.toBeNull();
    expect(describeS3Error(error)).toMatch(/HTTP 403|SignatureDoesNotMatch|AccessDenied|InvalidAccessKeyId/);
  });
});
