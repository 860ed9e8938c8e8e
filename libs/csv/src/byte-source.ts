import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { InputFileError } from './input-file-error';

const GZIP_MAGIC = [0x1f, 0x8b];
const READ_CHUNK_BYTES = 1 << 20;

/**
 * The bytes of a `.csv` or `.csv.gz` file as a stream of chunks. Gzip is recognised by its magic
 * bytes, not by the name, so a renamed file still reads. Decompression runs on libuv's thread pool,
 * overlapping with parsing on the main thread.
 */
export async function* readFileBytes(path: string): AsyncGenerator<Buffer> {
  let isGzip: boolean;
  try {
    const handle = await open(path, 'r');
    try {
      const head = Buffer.alloc(2);
      const { bytesRead } = await handle.read(head, 0, 2, 0);
      isGzip = bytesRead === 2 && head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw new InputFileError(path, describeFsError(error));
  }
  const raw = createReadStream(path, { highWaterMark: READ_CHUNK_BYTES });
  const stream = isGzip ? raw.pipe(createGunzip({ chunkSize: 256 * 1024 })) : raw;
  if (isGzip) raw.on('error', (error) => stream.destroy(error));
  try {
    for await (const chunk of stream) yield chunk as Buffer;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    throw new InputFileError(path, code.startsWith('Z_') ? `not a valid gzip file (${(error as Error).message})` : describeFsError(error));
  } finally {
    raw.destroy();
  }
}

function describeFsError(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory, not a file';
  return message;
}
