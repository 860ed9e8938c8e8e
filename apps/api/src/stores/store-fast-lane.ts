import type { FastLane } from '../http/fast-lane';
import { parseStoreQuery } from './store-params';
import { storeUptimeView } from './store-views';
import type { StoresService } from './stores.service';

/**
 * One store's uptime on the fast lane (http/fast-lane.ts): `GET /stores/<id>/uptime` with at most
 * `as_of` and `method`, each once, read by the Nest route's own parser (parseStoreQuery), service
 * (StoresService.storeWeek) and view (storeUptimeView). No owner rule: stores are the fleet's data
 * (stores.controller.ts).
 *
 * Why: at 200 requests/s over random stores on the 10× fleet, the statement takes 1–2 ms but the
 * answer's tail was the process's (event-loop delay, GC scavenges), and Express + Nest cost several
 * times a bare handler per request (docs/service.md, "One store on demand"). Anything else (a
 * trailing slash, an empty, repeated, encoded or unknown parameter, an id or value that does not
 * decode or does not parse) falls through to Express, so every 400 stays the controller's.
 */
export function storeUptimeFastLane(stores: StoresService): FastLane {
  return (url) => {
    const plain = plainStoreUptimeRequest(url);
    if (plain === null) return null;
    let query: ReturnType<typeof parseStoreQuery>;
    try {
      query = parseStoreQuery(plain.storeId, plain.query);
    } catch {
      return null;
    }
    return { route: '/stores/:store_id/uptime', instance: plain.path, read: () => stores.storeWeek(query).then(storeUptimeView) };
  };
}

const PREFIX = '/stores/';
const SUFFIX = '/uptime';
const LANE_PARAMETERS = new Set(['as_of', 'method']);

/**
 * The decoded store id and query of `/stores/<id>/uptime?as_of=…&method=…` as Express reads them
 * (the id and values percent-decoded, `+` in a value a space), for the forms whose reading is
 * unambiguous; null for anything else.
 */
export function plainStoreUptimeRequest(url: string): { path: string; storeId: string; query: Record<string, string> } | null {
  const queryStart = url.indexOf('?');
  const path = queryStart === -1 ? url : url.slice(0, queryStart);
  if (!path.startsWith(PREFIX) || !path.endsWith(SUFFIX) || path.length <= PREFIX.length + SUFFIX.length) return null;
  const rawId = path.slice(PREFIX.length, -SUFFIX.length);
  if (rawId.includes('/')) return null;
  const storeId = decoded(rawId);
  if (storeId === null) return null;
  const query: Record<string, string> = {};
  if (queryStart !== -1) {
    for (const pair of url.slice(queryStart + 1).split('&')) {
      const equals = pair.indexOf('=');
      const name = equals === -1 ? pair : pair.slice(0, equals);
      if (equals === -1 || !LANE_PARAMETERS.has(name) || name in query) return null;
      const value = decoded(pair.slice(equals + 1).replaceAll('+', ' '));
      if (value === null) return null;
      query[name] = value;
    }
  }
  return { path, storeId, query };
}

function decoded(text: string): string | null {
  if (!text.includes('%')) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}
