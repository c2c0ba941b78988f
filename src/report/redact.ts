/**
 * Redaction of personal data in reports (on by default): user names, mstshash cookies,
 * client host names, NTLM user/domain/workstation, Kerberos principals and realms, gateway
 * user ids and target servers. A redacted value becomes a short stable tag so that the same
 * user is recognisable across connections of one report without being named.
 */
import { isIP } from 'node:net';
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
export function redactField(key: string, v: unknown, r?: Redactor): unknown {
  return walk(v, SENSITIVE_KEYS.has(key), r, key);
}

/**
 * `x` with sensitive string fields replaced. Copy on write: parts without anything to redact are
 * returned as they are (a deep copy of every connection's facts was a large share of the report's
 * allocations), so the result may share objects with `x`.
 */
export function redactDeep<T>(x: T): T {
  return walk(x, false, undefined, undefined) as T;
}

/** Sensitive strings of `x` replaced by their tags; `field`: the sensitive field `x` sits in, if any. */
function walk(x: unknown, sensitive: boolean, r: Redactor | undefined, field: string | undefined): unknown {
  return mapStrings(x, sensitive ? field ?? '' : undefined, (v, f) => (f === undefined ? v : r ? r.value(v, f || undefined) : redactValue(v)));
}

/**
 * `x` with every string passed through `leaf` (copy on write: objects without a changed string are
 * returned as they are). `field` is the sensitive field (SENSITIVE_KEYS) the value sits in, if any.
 */
function mapStrings(x: unknown, field: string | undefined, leaf: (v: string, field: string | undefined) => string, depth = 0): unknown {
  if (typeof x === 'string') return leaf(x, field);
  if (x === null || typeof x !== 'object' || ArrayBuffer.isView(x) || depth > 64) return x;
  if (Array.isArray(x)) {
    let out: unknown[] | null = null;
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      const w = mapStrings(v, field, leaf, depth + 1);
      if (w !== v && out === null) out = x.slice(0, i);
      if (out !== null) out.push(w);
    }
    return out ?? x;
  }
  const o = x as Record<string, unknown>;
  let out: Record<string, unknown> | null = null;
  const keys = Object.keys(o);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const v = o[k];
    const w = mapStrings(v, field ?? (SENSITIVE_KEYS.has(k) ? k : undefined), leaf, depth + 1);
    if (w !== v && out === null) {
      out = {};
      for (let j = 0; j < i; j++) out[keys[j]!] = o[keys[j]!];
    }
    if (out !== null) out[k] = w;
  }
  return out ?? x;
}

/** Keys whose value is a service principal (`class/host[/…]`): the leading service class is a protocol constant. */
const SERVICE_KEYS = new Set(['sname', 'ticketSname', 'tgsTicketSname', 'spn', 'targetName']);
/** Shorter values are redacted where they are fields, but not looked for inside free text (they match ordinary words). */
export const MIN_TEXT_LENGTH = 3;
/** Longer strings are not names (a damaged field): redacted as fields, not looked for in text. */
const MAX_TEXT_LENGTH = 512;
/** Distinct values remembered per report at most (bounded memory); later ones are still redacted as fields. */
export const MAX_VALUES = 20_000;

/**
 * The redaction of one report: every sensitive value met in a structured field (or given to
 * `note`) is remembered with its tag, and free text — finding details, the verdict summary,
 * warnings — is then scrubbed of those values, so that a name quoted in a sentence is hidden as
 * surely as the field it came from. Matching is case-insensitive and whole-token (a value is
 * replaced only where it is not part of a longer word), the longest value first; a principal
 * also contributes its parts (`user@REALM`, `DOMAIN\user`, the host of `TERMSRV/host`).
 * No pattern guesses what looks like a name: only values the analysis read from a name field.
 */
export class Redactor {
  /** Lower-cased value → tag. */
  private readonly known = new Map<string, string>();
  /** Distinct lengths of the remembered values, longest first. */
  private readonly lengths: number[] = [];
  /** Lower-cased first characters of the remembered values. */
  private readonly firsts = new Set<string>();
  /** Values not remembered because MAX_VALUES was reached. */
  overflow = 0;

  /** The tag of `v`, remembering `v` (and its parts, for principals of field `key`) for free text. */
  value(v: string, key?: string): string {
    if (v === '') return v;
    const tag = redactValue(v);
    this.remember(v, tag);
    if (key !== undefined) for (const p of principalParts(v, SERVICE_KEYS.has(key))) this.remember(p, redactValue(p));
    return tag;
  }

  /** Remembers a sensitive value met outside a report field (event log data, a record's facts). */
  note(v: unknown, key?: string): void {
    if (typeof v === 'string') this.value(v, key);
  }

  /** Remembers every sensitive string inside `x` (fields named in SENSITIVE_KEYS, at any depth). */
  collect(x: unknown, sensitive = false, key?: string, depth = 0): void {
    if (typeof x === 'string') {
      if (sensitive) this.value(x, key);
      return;
    }
    if (x === null || typeof x !== 'object' || depth > 8 || ArrayBuffer.isView(x)) return;
    if (Array.isArray(x)) {
      for (const v of x) this.collect(v, sensitive, key, depth + 1);
      return;
    }
    const o = x as Record<string, unknown>;
    for (const k in o) {
      const s = sensitive || SENSITIVE_KEYS.has(k);
      this.collect(o[k], s, s && !sensitive ? k : key, depth + 1);
    }
  }

  /** `x` with sensitive fields replaced by tags (copy on write), their values remembered. */
  fields<T>(x: T): T {
    return walk(x, false, this, undefined) as T;
  }

  /**
   * `s` with every remembered value replaced by its tag: at each token start (not after a letter,
   * digit or underscore), the longest remembered value that ends at a token boundary. A lookup per
   * remembered length, not one pattern of all values: a password spray remembers thousands of
   * names, one more per connection, and a pattern rebuilt each time cost minutes.
   */
  text(s: string): string {
    if (this.known.size === 0 || s.length < MIN_TEXT_LENGTH) return s;
    let out: string | null = null;
    let from = 0;
    for (let i = 0; i < s.length; i++) {
      if ((i > 0 && WORD.test(s[i - 1]!)) || !this.firsts.has(s[i]!.toLowerCase())) continue;
      for (const len of this.lengths) {
        if (i + len > s.length || (i + len < s.length && WORD.test(s[i + len]!))) continue;
        const tag = this.known.get(s.slice(i, i + len).toLowerCase());
        if (tag === undefined) continue;
        out = (out ?? '') + s.slice(from, i) + tag;
        from = i + len;
        i = from - 1;
        break;
      }
    }
    return out === null ? s : out + s.slice(from);
  }

  /** `x` with fields redacted and every string scrubbed of remembered values (copy on write). */
  deep<T>(x: T): T {
    return this.scrub(this.fields(x));
  }

  /** `x` (already field-redacted) with every string scrubbed of remembered values (copy on write). */
  scrub<T>(x: T): T {
    return mapStrings(x, undefined, (v) => this.text(v)) as T;
  }

  /** Remembered values (lower case), for tests. */
  get size(): number {
    return this.known.size;
  }

  private remember(v: string, tag: string): void {
    if (v.length < MIN_TEXT_LENGTH || v.length > MAX_TEXT_LENGTH || v.startsWith('‹redacted:')) return;
    // An address in a name field (TERMSRV/10.0.0.5, a workstation given as an address) is not a
    // name: addresses are in every report, and a tag in their place breaks the Wireshark filters.
    if (isIP(v.replace(/^\[(.*)\](?::\d+)?$/, '$1').replace(/^(\d+\.\d+\.\d+\.\d+):\d+$/, '$1')) !== 0) return;
    const k = v.toLowerCase();
    if (this.known.has(k)) return;
    if (this.known.size >= MAX_VALUES) {
      this.overflow++;
      return;
    }
    this.known.set(k, tag);
    this.firsts.add(k[0]!);
    if (!this.lengths.includes(v.length)) {
      this.lengths.push(v.length);
      this.lengths.sort((a, b) => b - a);
    }
  }
}

/** A character that continues a token: a value is replaced only where it is a whole token. */
const WORD = /[\p{L}\p{N}_]/u;

/**
 * The names inside a principal: `user@REALM` → user, REALM; `DOMAIN\user` → DOMAIN, user;
 * `a/b/c` → its components, without the first for a service principal (krbtgt, TERMSRV, HTTP:
 * the kind of service, fixed by the protocol, not a name).
 */
export function principalParts(v: string, service: boolean): string[] {
  const out: string[] = [];
  const slash = v.split('/');
  for (let i = service && slash.length > 1 ? 1 : 0; i < slash.length; i++) {
    for (const a of slash[i]!.split('@')) for (const b of a.split('\\')) if (b !== '' && b !== v) out.push(b);
  }
  if (service && slash.length > 1) out.push(slash.slice(1).join('/'));
  return out.filter((p) => p !== v);
}
