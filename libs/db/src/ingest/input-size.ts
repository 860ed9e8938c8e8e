import { open } from 'node:fs/promises';

/**
 * The uncompressed size of a `.csv` or `.csv.gz` file, for a progress fraction; null if unknown.
 * For gzip it is the ISIZE trailer (RFC 1952: the size modulo 2^32, so only an estimate beyond
 * 4 GiB or for multi-member files); progress is an estimate anyway and is clamped by its user.
 */
export async function uncompressedSize(path: string): Promise<number | null> {
  try {
    const handle = await open(path, 'r');
    try {
      const { size } = await handle.stat();
      const head = Buffer.alloc(2);
      await handle.read(head, 0, 2, 0);
      if (!(head[0] === 0x1f && head[1] === 0x8b)) return size;
      if (size < 18) return null;
      const trailer = Buffer.alloc(4);
      await handle.read(trailer, 0, 4, size - 4);
      return trailer.readUInt32LE(0);
    } finally {
      await handle.close();
    }
  } catch {
    return null;
  }
}
