import { databaseName } from '@store-uptime/config';

/**
 * A failed connection or query of a command-line tool in words a user can act on: the two cases a
 * fresh machine meets (no server, no database) name the fix; anything else keeps PostgreSQL's own
 * message. Never the URL itself (it may hold a password).
 */
export function describeConnectError(error: unknown, databaseUrl: string): string {
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  if (code === '3D000') {
    const name = databaseName(databaseUrl);
    return `the database "${name}" does not exist: npm start creates it, or run createdb ${name} on that server`;
  }
  if (code === 'ECONNREFUSED') return 'nothing answers there (is PostgreSQL running? npm run services starts it on this machine)';
  return message ?? String(error);
}
