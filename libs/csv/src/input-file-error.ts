/** A file that cannot be read at all (missing, unreadable, not gzip, bad header): one clear line. */
export class InputFileError extends Error {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = 'InputFileError';
  }
}
