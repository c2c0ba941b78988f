/**
 * Redaction of personal data in reports (on by default): user names, mstshash cookies,
 * client host names, NTLM user/domain/workstation, Kerberos principals and realms, gateway
 * user ids and target servers. A redacted value becomes a short stable tag so that the same
 * user is recognisable across connections of one report without being named.
 */
import { createHash } from 'node:crypto';

export const SENSITIVE_KEYS = new Set([
  'cookie', 'routingToken', 'userName', 'domainName', 'domain', 'workstation', 'clientName', 'cname', 'sname', 'realm', 'crealm',
  'ticketSname', 'ticketRealm', 'rdgUserId', 'targetServers', 'altTargetServers', 'clientAddress', 'clientDir', 'workingDir',
  'spn', 'targetName', 'targetDomain', 'dclocatorHint', 'salt', 'clientDigProductId', 'tgsTicketSname', 'principal', 'clientAddress',
]);

/** Tags of values already redacted (the same cookie or user comes back on every connection). */
const tags = new Map<string, string>();
const MAX_TAGS = 4096;

export function redactValue(v: string): string {
  if (v === '') return v;
  let tag = tags.get(v);
  if (tag === undefined) {
    tag = `‹redacted:${createHash('sha256').update(v).digest('hex').slice(0, 6)}›`;
    if (tags.size >= MAX_TAGS) tags.clear();
    tags.set(v, tag);
  }
  return tag;
}

/** One field of an object, redacted as `redactDeep` would redact it inside its parent. */
export function redactField(key: string, v: unknown): unknown {
  return walk(v, SENSITIVE_KEYS.has(key));
}

/**
 * `x` with sensitive string fields replaced. Copy on write: parts without anything to redact are
 * returned as they are (a deep copy of every connection's facts was a large share of the report's
 * allocations), so the result may share objects with `x`.
 */
export function redactDeep<T>(x: T): T {
  return walk(x, false) as T;
}

function walk(x: unknown, sensitive: boolean): unknown {
  if (typeof x === 'string') return sensitive ? redactValue(x) : x;
  if (x === null || typeof x !== 'object') return x;
  if (Array.isArray(x)) {
    let out: unknown[] | null = null;
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      const w = walk(v, sensitive);
      if (w !== v && out === null) out = x.slice(0, i);
      if (out !== null) out.push(w);
    }
    return out ?? x;
  }
  if (ArrayBuffer.isView(x)) return x;
  const o = x as Record<string, unknown>;
  let out: Record<string, unknown> | null = null;
  const keys = Object.keys(o);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const v = o[k];
    const w = walk(v, sensitive || SENSITIVE_KEYS.has(k));
    if (w !== v && out === null) {
      out = {};
      for (let j = 0; j < i; j++) out[keys[j]!] = o[keys[j]!];
    }
    if (out !== null) out[k] = w;
  }
  return out ?? x;
}
