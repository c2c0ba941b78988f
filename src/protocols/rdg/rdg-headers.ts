/**
 * Reading the RD Gateway-relevant fields out of an HTTP head (cold path: once per message).
 * Authentication tokens are never copied into results: only scheme names and presence.
 */
import type { AuthChallenge, RdgTransportKind } from './events.js';
import { headerValue, headerValues, headerTokens, type HttpHead } from './http.js';

/** Media type of Content-Type, lower-cased, without parameters. */
export function mediaType(head: HttpHead): string | undefined {
  const v = headerValue(head, 'content-type');
  if (v === undefined) return undefined;
  const semi = v.indexOf(';');
  return (semi >= 0 ? v.slice(0, semi) : v).trim().toLowerCase();
}

/** Path and query of a request target (origin-form or absolute-form). */
export function splitTarget(target: string): { path: string; query?: string } {
  let t = target;
  const scheme = t.indexOf('://');
  if (scheme > 0 && scheme < 10) {
    const slash = t.indexOf('/', scheme + 3);
    t = slash >= 0 ? t.slice(slash) : '/';
  }
  const q = t.indexOf('?');
  return q >= 0 ? { path: t.slice(0, q), query: t.slice(q + 1) } : { path: t };
}

/** Scheme name of an Authorization / Proxy-Authorization value. */
export function authorizationScheme(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const s = value.trim();
  const sp = s.search(/[ \t]/);
  const scheme = sp >= 0 ? s.slice(0, sp) : s;
  return scheme || undefined;
}

/** Splits on commas outside double quotes. */
function splitOutsideQuotes(v: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < v.length; i++) {
    const c = v[i]!;
    if (c === '"') quoted = !quoted;
    if (c === ',' && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** Challenges of all WWW-Authenticate headers (RFC 9110 §11.6.1), scheme names only. */
export function wwwAuthenticateChallenges(head: HttpHead): AuthChallenge[] {
  const out: { scheme: string; hasToken: boolean }[] = [];
  for (const value of headerValues(head, 'www-authenticate')) {
    let current: { scheme: string; hasToken: boolean } | undefined;
    for (const raw of splitOutsideQuotes(value)) {
      const el = raw.trim();
      if (!el) continue;
      const sp = el.search(/[ \t]/);
      const first = sp >= 0 ? el.slice(0, sp) : el;
      if (first.includes('=')) {
        if (current) current.hasToken = true; // auth-param of the current challenge
        continue;
      }
      current = { scheme: first, hasToken: sp >= 0 && el.slice(sp).trim().length > 0 };
      out.push(current);
    }
  }
  return out;
}

const RPC_METHODS = new Set(['RPC_IN_DATA', 'RPC_OUT_DATA']);

/** Which gateway transport a request belongs to. */
export function transportKind(method: string, path: string, contentType: string | undefined): RdgTransportKind {
  if (method === 'RDG_OUT_DATA' || method === 'RDG_IN_DATA') return 'rdg-http';
  if (RPC_METHODS.has(method) || path.toLowerCase().startsWith('/rpc/rpcproxy.dll')) return 'rpc-over-http';
  if (contentType === 'application/kerberos' || path.toLowerCase().startsWith('/kdcproxy')) return 'kdc-proxy';
  return 'other';
}

export function wantsWebsocket(head: HttpHead): boolean {
  return headerTokens(head, 'upgrade').includes('websocket');
}
