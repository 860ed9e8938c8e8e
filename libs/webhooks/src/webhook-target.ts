import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';

/**
 * Where a webhook may be sent. A URL given by a client must not reach into the service's own
 * network (SSRF): its host is resolved and every address must be public unicast, so a name that
 * resolves to 127.0.0.1, 10.x, 169.254.x (cloud metadata) or fc00::/7 is refused as well as the
 * literal address. Checked when the URL is registered (a 400) and again on every connection by
 * request-filtering-agent (deliverWebhook), after DNS resolution, so a name re-pointed later is
 * refused too. WEBHOOK_ALLOW_PRIVATE=true lifts the address rule (tests and local receivers).
 */
export interface TargetRules {
  allowPrivate: boolean;
}

/** Longest URL accepted: an endpoint URL is an address, not a place to carry data. */
export const WEBHOOK_URL_MAX_LENGTH = 2_048;

/** Why `raw` cannot be a webhook target, or null when it can. */
export async function webhookUrlProblem(raw: string, rules: TargetRules): Promise<string | null> {
  const form = webhookUrlFormProblem(raw);
  if (form) return form;
  const url = new URL(raw);
  if (rules.allowPrivate) return null;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = ipaddr.isValid(host) ? [host] : (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);
  } catch {
    return `the host ${host} does not resolve`;
  }
  const refused = addresses.find((address) => !isPublicAddress(address));
  return refused === undefined ? null : `the host ${host} resolves to ${refused}, a private, loopback or link-local address`;
}

/** The checks that need no DNS: an absolute http(s) URL without credentials, of a sane length. */
export function webhookUrlFormProblem(raw: string): string | null {
  if (raw.length > WEBHOOK_URL_MAX_LENGTH) return `must be at most ${WEBHOOK_URL_MAX_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an http or https URL';
  if (url.username || url.password) return 'must not carry credentials';
  return null;
}

/** The same rule as request-filtering-agent's: only unicast addresses (IPv4-mapped IPv6 judged as IPv4). */
export function isPublicAddress(address: string): boolean {
  try {
    let parsed = ipaddr.parse(address);
    if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
    return parsed.range() === 'unicast';
  } catch {
    return false;
  }
}
