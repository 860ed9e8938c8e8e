/**
 * When a delivery that did not get a 2xx is tried again. The default, in seconds after each
 * failed attempt: 5 s, 1 min, 5 min, 30 min, 2 h, 5 h, 8 h, 8 h — nine attempts over about 24 h,
 * close to the schedule Standard Webhooks senders use. WEBHOOK_RETRY_SECONDS replaces it (tests
 * use fractions of a second). Each delay is jittered by ±20 % so that deliveries failed by one
 * outage do not all come back in the same second.
 */
export const DEFAULT_WEBHOOK_RETRY_SECONDS = [5, 60, 300, 1_800, 7_200, 18_000, 28_800, 28_800] as const;

const JITTER = 0.2;

/** Attempts in all: the first, and one after each delay of the schedule. */
export function webhookAttempts(scheduleSeconds: readonly number[]): number {
  return scheduleSeconds.length + 1;
}

/** Milliseconds to wait after failed attempt number `attemptsMade` (1-based); `random` is 0…1. */
export function webhookRetryDelayMs(scheduleSeconds: readonly number[], attemptsMade: number, random: number = Math.random()): number {
  const base = scheduleSeconds[Math.min(Math.max(attemptsMade, 1), scheduleSeconds.length) - 1] ?? 0;
  return Math.round(base * 1000 * (1 - JITTER + 2 * JITTER * random));
}

/** `5,60,300` → [5, 60, 300]; null when any entry is not a positive number of seconds. */
export function parseRetrySchedule(text: string): number[] | null {
  const entries = text.split(',').map((entry) => entry.trim());
  if (entries.length === 0 || entries.length > 30) return null;
  const seconds = entries.map(Number);
  return seconds.every((value, index) => entries[index] !== '' && Number.isFinite(value) && value > 0 && value <= 7 * 86_400) ? seconds : null;
}
