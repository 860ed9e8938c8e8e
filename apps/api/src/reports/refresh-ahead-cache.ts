export interface RefreshAheadOptions<T> {
  /** At most this many entries (the oldest goes first). */
  limit: number;
  /** An entry older than this is never answered: the caller reads afresh. */
  maxAgeMs: number;
  /** An entry this old that is read again is refreshed in the background, with every other such entry, in one batch. */
  refreshAfterMs: number;
  /** The current values of `keys`; a key missing from the answer is dropped. */
  readMany: (keys: string[]) => Promise<Map<string, T>>;
}

interface Entry<T> {
  value: T;
  /** When the value was read (for a batch: when the batch started, so its age is never understated). */
  readAt: number;
  /** Read again since `readAt`: worth refreshing. */
  wanted: boolean;
}

/**
 * Values kept per process for at most `maxAgeMs`, refreshed ahead of that in batches: the first
 * read of an entry older than `refreshAfterMs` starts ONE `readMany` of every entry that old and
 * read since its value came, and reads go on being answered from memory meanwhile. So N keys read
 * continuously cost about one batch per `refreshAfterMs` instead of N reads per `maxAgeMs`, and a
 * value is never older than `maxAgeMs`. An entry nobody reads again ages out. A failed batch
 * changes nothing: its entries age out and their next readers read for themselves.
 */
export class RefreshAheadCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private refreshing = false;

  constructor(private readonly options: RefreshAheadOptions<T>) {}

  get(key: string, now = Date.now()): T | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    const age = now - entry.readAt;
    if (age >= this.options.maxAgeMs) {
      this.entries.delete(key);
      return undefined;
    }
    entry.wanted = true;
    if (age >= this.options.refreshAfterMs && !this.refreshing) void this.refresh(now);
    return entry.value;
  }

  set(key: string, value: T, now = Date.now()): T {
    this.entries.delete(key);
    if (this.entries.size >= this.options.limit) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, { value, readAt: now, wanted: false });
    return value;
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  private async refresh(now: number): Promise<void> {
    this.refreshing = true;
    const due = new Map<string, Entry<T>>();
    for (const [key, entry] of this.entries) {
      if (entry.wanted && now - entry.readAt >= this.options.refreshAfterMs) due.set(key, entry);
    }
    try {
      const values = await this.options.readMany([...due.keys()]);
      for (const [key, entry] of due) {
        // Deleted or set afresh meanwhile: that is newer than this batch.
        if (this.entries.get(key) !== entry) continue;
        const value = values.get(key);
        if (value === undefined) this.entries.delete(key);
        else this.entries.set(key, { value, readAt: now, wanted: false });
      }
    } catch {
      // The entries age out; their next readers read (and answer any failure) themselves.
    } finally {
      this.refreshing = false;
    }
  }
}
