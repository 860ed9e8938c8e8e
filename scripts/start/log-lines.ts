/**
 * The apps' JSON log lines (pino) as one readable line each, prefixed by the process that wrote
 * them, for `npm start`'s terminal: `12:00:01.234 worker-1 INFO  ReportPipeline: report complete
 * reportId=3f0c… seconds=4.2`. Written here rather than with pino-pretty: what is needed is a
 * fixed prefix per process and a handful of fields on one line, which is a few lines of code, and
 * pino-pretty would be one more dependency (with its own) for it. Lines that are not JSON pass
 * through unchanged, prefixed too.
 */

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
/** pino's own fields (and `app`, which the prefix says), shown in the line's fixed part or not at all. */
const FIXED = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'context', 'req', 'res', 'responseTime', 'err', 'app']);
/**
 * Nest's start-up chatter (every module and route, ~40 lines an app) at info level: it says nothing
 * a user of `npm start` acts on, and the apps' own `listening on` line says they are up.
 */
const NEST_BOOT_CONTEXTS = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication']);

/** The line to print for one line of an app's output, or null to leave it out. */
export function formatLogLine(source: string, line: string): string | null {
  const prefix = source.padEnd(8);
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return `${prefix} ${line}`;
  }
  if (entry === null || typeof entry !== 'object' || typeof entry.level !== 'number') return `${prefix} ${line}`;
  if (entry.level <= 30 && typeof entry.context === 'string' && NEST_BOOT_CONTEXTS.has(entry.context)) return null;
  const time = typeof entry.time === 'number' ? new Date(entry.time).toISOString().slice(11, 23) : '';
  const level = (LEVELS[entry.level] ?? String(entry.level)).padEnd(5);
  const context = typeof entry.context === 'string' ? `${entry.context}: ` : '';
  const parts = [`${time} ${prefix} ${level} ${context}${typeof entry.msg === 'string' ? entry.msg : JSON.stringify(entry.msg ?? '')}`];
  const req = entry.req as { method?: string; url?: string } | undefined;
  const res = entry.res as { statusCode?: number } | undefined;
  if (req?.method) parts.push(`${req.method} ${req.url ?? ''} ${res?.statusCode ?? ''}`.trim() + (typeof entry.responseTime === 'number' ? ` ${entry.responseTime} ms` : ''));
  const err = entry.err as { message?: string } | undefined;
  if (err?.message) parts.push(`error="${err.message}"`);
  for (const [key, value] of Object.entries(entry)) {
    if (FIXED.has(key) || value === undefined) continue;
    parts.push(`${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  }
  return parts.join(' ');
}
