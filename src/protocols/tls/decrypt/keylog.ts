/**
 * NSS key log parsing (protocol-facts §5.8) and the store that answers "secrets for this
 * client random" for the decryptor factory.
 *
 * Secrets never appear in a string this module produces: issues carry a line number and a
 * reason only, and every object holding secret bytes has a redacting `toJSON` and
 * `util.inspect` hook (the bytes stay reachable for the key schedule, nothing else).
 */
import { bytesEqual, toHex } from '../../../core/bytes.js';
import { slabAlloc } from '../../../core/slab.js';
import type { SecretLookup, SessionSecrets } from './types.js';

/** Labels this module uses, mapped to the SessionSecrets field they fill. */
export const KEYLOG_LABELS = {
  CLIENT_RANDOM: 'masterSecret',
  CLIENT_HANDSHAKE_TRAFFIC_SECRET: 'clientHandshakeTrafficSecret',
  SERVER_HANDSHAKE_TRAFFIC_SECRET: 'serverHandshakeTrafficSecret',
  CLIENT_TRAFFIC_SECRET_0: 'clientTrafficSecret0',
  SERVER_TRAFFIC_SECRET_0: 'serverTrafficSecret0',
  EXPORTER_SECRET: 'exporterSecret',
} as const;
export type KeyLogLabel = keyof typeof KEYLOG_LABELS;
export type SecretField = (typeof KEYLOG_LABELS)[KeyLogLabel];

/** Valid NSS key log labels that decryption does not use: counted, not reported as bad lines. */
export const IGNORED_KEYLOG_LABELS = [
  'RSA',
  'CLIENT_EARLY_TRAFFIC_SECRET',
  'EARLY_EXPORTER_SECRET',
  'ECH_SECRET',
  'ECH_CONFIG',
] as const;
export type IgnoredKeyLogLabel = (typeof IGNORED_KEYLOG_LABELS)[number];

/** A bad line: its 1-based number and what is wrong. Never any text of the line. */
export interface KeyLogIssue {
  readonly line: number;
  readonly message: string;
}

export interface KeyLogEntry {
  readonly label: KeyLogLabel;
  /** Client random, 64 lower-case hex characters (not a secret). */
  readonly clientRandom: string;
  /** Secret bytes (redacted from JSON and inspect). */
  readonly secret: Uint8Array;
  readonly line: number;
}

export interface KeyLogParseResult {
  readonly entries: KeyLogEntry[];
  readonly issues: KeyLogIssue[];
  /** Lines with a valid but unused label (EARLY_EXPORTER_SECRET…), by label. */
  readonly ignored: Partial<Record<IgnoredKeyLogLabel, number>>;
  /** Non-empty, non-comment lines seen. */
  readonly lines: number;
  /** Bad lines in all (`issues` keeps the first `maxIssues` of them). */
  readonly badLines: number;
}

/** Where a piece of a longer key log starts, and how many issues to keep (a junk file has millions). */
export interface KeyLogParseOptions {
  /** Line number of the text's first line (default 1). */
  readonly firstLine?: number;
  readonly maxIssues?: number;
}

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/** Makes JSON.stringify / console.log / util.inspect of an object show `replacement` instead. */
function redact<T extends object>(obj: T, replacement: () => unknown): T {
  Object.defineProperty(obj, 'toJSON', { value: replacement, enumerable: false });
  Object.defineProperty(obj, INSPECT, { value: () => replacement(), enumerable: false });
  return obj;
}

const HEX_RE = /^[0-9a-fA-F]+$/;
const LABEL_RE = /^[A-Z0-9_]+$/;

function hexToBytes(hex: string): Uint8Array {
  const out = slabAlloc(hex.length >> 1); // 32/48 bytes: no own buffer per secret
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substring(i * 2, i * 2 + 2), 16);
  return out;
}

function isKnownLabel(s: string): s is KeyLogLabel {
  return Object.prototype.hasOwnProperty.call(KEYLOG_LABELS, s);
}
function isIgnoredLabel(s: string): s is IgnoredKeyLogLabel {
  return (IGNORED_KEYLOG_LABELS as readonly string[]).includes(s);
}

/** Parse NSS key log text (LF, CRLF or CR line ends). Never throws; bad lines become issues. */
export function parseKeyLog(text: string, options: KeyLogParseOptions = {}): KeyLogParseResult {
  const entries: KeyLogEntry[] = [];
  const kept: KeyLogIssue[] = [];
  const maxIssues = options.maxIssues ?? Infinity;
  let badLines = 0;
  const issues = {
    push(i: KeyLogIssue): void {
      badLines++;
      if (kept.length < maxIssues) kept.push(i);
    },
  };
  const base = (options.firstLine ?? 1) - 1;
  const ignored: Partial<Record<IgnoredKeyLogLabel, number>> = {};
  let lines = 0;
  const rows = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < rows.length; i++) {
    const lineNo = base + i + 1;
    const raw = rows[i]!.trim();
    if (raw === '' || raw.startsWith('#')) continue;
    lines++;
    const fields = raw.split(/[ \t]+/);
    const label = fields[0]!;
    if (!LABEL_RE.test(label)) {
      issues.push({ line: lineNo, message: `line ${lineNo}: not a key log line (no label)` });
      continue;
    }
    if (isIgnoredLabel(label)) {
      ignored[label] = (ignored[label] ?? 0) + 1;
      continue;
    }
    if (!isKnownLabel(label)) {
      issues.push({ line: lineNo, message: `line ${lineNo}: unknown label` });
      continue;
    }
    if (fields.length !== 3) {
      issues.push({ line: lineNo, message: `line ${lineNo}: ${label}: expected 3 fields, found ${fields.length}` });
      continue;
    }
    const random = fields[1]!;
    const secret = fields[2]!;
    if (random.length !== 64 || !HEX_RE.test(random)) {
      issues.push({ line: lineNo, message: `line ${lineNo}: ${label}: client random is not 64 hex digits` });
      continue;
    }
    if (!HEX_RE.test(secret) || secret.length % 2 !== 0) {
      issues.push({ line: lineNo, message: `line ${lineNo}: ${label}: secret is not hex` });
      continue;
    }
    const len = secret.length >> 1;
    if (label === 'CLIENT_RANDOM' ? len !== 48 : len !== 32 && len !== 48) {
      const want = label === 'CLIENT_RANDOM' ? '48' : '32 or 48';
      issues.push({ line: lineNo, message: `line ${lineNo}: ${label}: secret is ${len} bytes, expected ${want}` });
      continue;
    }
    const entry: KeyLogEntry = { label, clientRandom: random.toLowerCase(), secret: hexToBytes(secret), line: lineNo };
    entries.push(redact(entry, () => ({ label, clientRandom: entry.clientRandom, line: lineNo, secret: '[redacted]' })));
  }
  return { entries, issues: kept, ignored, lines, badLines };
}

/** Summary of one `addText` call (no secrets). */
export interface KeyLogAddResult {
  readonly origin: string;
  /** Entries stored (new values). */
  readonly added: number;
  /** Entries identical to one already stored. */
  readonly duplicates: number;
  /** Entries whose value differs from one already stored for the same label and client random (the first is kept). */
  readonly conflicts: number;
  readonly ignored: Partial<Record<IgnoredKeyLogLabel, number>>;
  readonly issues: KeyLogIssue[];
  readonly lines: number;
  /** Bad lines in all, conflicts included (`issues` may keep only the first ones). */
  readonly badLines: number;
}

interface StoredSecret {
  readonly field: SecretField;
  readonly secret: Uint8Array;
  readonly fromFrame: number;
  readonly origin: string;
}

/**
 * Secrets from several sources, keyed by client random. Key log files apply to every frame
 * (`fromFrame` 0); pcapng Decryption Secrets Blocks apply from the frame where they appear.
 */
export class SecretStore implements SecretLookup {
  readonly #byRandom = new Map<string, StoredSecret[]>();
  #sources = 0;

  /** Add NSS key log text. `origin` names the source ("keylog:file.txt", "pcapng-dsb:frame 12"); it must not contain secrets. */
  addText(text: string, origin: string, fromFrame = 0, options: KeyLogParseOptions = {}): KeyLogAddResult {
    const parsed = parseKeyLog(text, options);
    const maxIssues = options.maxIssues ?? Infinity;
    this.#sources++;
    let added = 0;
    let duplicates = 0;
    let conflicts = 0;
    const issues = parsed.issues.slice();
    for (const e of parsed.entries) {
      const field = KEYLOG_LABELS[e.label];
      let list = this.#byRandom.get(e.clientRandom);
      if (list === undefined) {
        list = [];
        this.#byRandom.set(e.clientRandom, list);
      }
      const sameField = list.filter((s) => s.field === field);
      if (sameField.some((s) => bytesEqual(s.secret, e.secret))) {
        duplicates++;
        continue;
      }
      if (sameField.some((s) => s.fromFrame === fromFrame)) {
        conflicts++;
        if (issues.length < maxIssues) issues.push({ line: e.line, message: `line ${e.line}: ${e.label}: differs from an earlier value for the same client random (kept the first)` });
        continue;
      }
      const stored: StoredSecret = { field, secret: e.secret, fromFrame, origin };
      list.push(redact(stored, () => ({ field, fromFrame, origin, secret: '[redacted]' })));
      added++;
    }
    issues.sort((a, b) => a.line - b.line);
    return { origin, added, duplicates, conflicts, ignored: parsed.ignored, issues, lines: parsed.lines, badLines: parsed.badLines + conflicts };
  }

  /** Number of client randoms with at least one secret. */
  get size(): number {
    return this.#byRandom.size;
  }

  find(clientRandom: Uint8Array, atFrame: number): SessionSecrets | undefined {
    if (clientRandom.length !== 32 || this.#byRandom.size === 0) return undefined;
    const list = this.#byRandom.get(toHex(clientRandom));
    if (list === undefined) return undefined;
    const fields: Partial<Record<SecretField, StoredSecret>> = {};
    for (const s of list) {
      if (s.fromFrame > atFrame) continue;
      const prev = fields[s.field];
      // The most recent source applicable at this frame wins (a later DSB may re-key).
      if (prev === undefined || s.fromFrame > prev.fromFrame) fields[s.field] = s;
    }
    const origins: string[] = [];
    const out: { -readonly [K in keyof SessionSecrets]: SessionSecrets[K] } = { origin: '' };
    let any = false;
    for (const f of Object.values(KEYLOG_LABELS)) {
      const s = fields[f];
      if (s === undefined) continue;
      out[f] = s.secret;
      any = true;
      if (!origins.includes(s.origin)) origins.push(s.origin);
    }
    if (!any) return undefined;
    out.origin = origins.join(', ');
    const present = Object.values(KEYLOG_LABELS).filter((f) => fields[f] !== undefined);
    return redact(out, () => ({ origin: out.origin, secrets: present.map((f) => `${f}: [redacted]`) }));
  }

  toString(): string {
    return `SecretStore(${this.#byRandom.size} client randoms from ${this.#sources} sources)`;
  }

  toJSON(): { clientRandoms: number; sources: number } {
    return { clientRandoms: this.#byRandom.size, sources: this.#sources };
  }

  [INSPECT](): string {
    return this.toString();
  }
}
