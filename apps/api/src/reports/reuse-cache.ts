/**
 * Values kept per API process by key for a while, at most `limit` of them (the oldest goes first:
 * a Map iterates in insertion order). Expired entries are dropped when read.
 */
export class ReuseCache<T> {
  private readonly entries = new Map<string, { value: T; reuseUntil: number }>();

  constructor(private readonly limit: number) {}

  get(key: string, now = Date.now()): T | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.reuseUntil > now) return entry.value;
    this.entries.delete(key);
    return undefined;
  }

  set(key: string, value: T, reuseForMs: number, now = Date.now()): T {
    this.entries.delete(key);
    if (this.entries.size >= this.limit) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, { value, reuseUntil: now + reuseForMs });
    return value;
  }

  delete(key: string): void {
    this.entries.delete(key);
  }
}
