import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** npm start's local admin key (scripts/start/main.ts), relative to the repository root. */
const LOCAL_KEY_FILE = join(__dirname, '..', '..', '..', '.store-uptime', 'local-key');

/** SMOKE_API_KEY, or the key npm start made; a smoke script cannot talk to the API without one. */
export function smokeApiKey(env: NodeJS.ProcessEnv = process.env): string {
  const key = env.SMOKE_API_KEY?.trim() || (existsSync(LOCAL_KEY_FILE) ? readFileSync(LOCAL_KEY_FILE, 'utf8').trim() : '');
  if (!key) throw new Error(`no API key: set SMOKE_API_KEY (an admin key: npm run keys -- create --name smoke --owner ops --scopes admin) or run npm start first (${LOCAL_KEY_FILE})`);
  return key;
}
