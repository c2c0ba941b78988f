/**
 * Shared shape of every code table in src/codes and the never-failing lookup built over it.
 *
 * Each table file holds an `as const` array of entries (code, name, meaning in our own words,
 * verified, source) and exports a lookup that returns a CodeInfo for any number: a known entry,
 * or a fallback whose name says "(unknown)". Lookups run on cold paths (reporting, explain), so
 * the small allocation of a fallback object is acceptable; known entries are returned pre-built.
 */

export interface CodeEntry {
  readonly code: number;
  readonly name: string;
  /** What the code means, paraphrased (never copied from the source). */
  readonly meaning: string;
  /** false for anything docs/findings marks UNVERIFIED / partially verified. */
  readonly verified: boolean;
  /** Where the value comes from (docs/findings section and its source key). */
  readonly source: string;
  /** Other names the same value goes by (other implementations, older spellings). */
  readonly aliases?: readonly string[];
}

export type TableId =
  | 'mstsc-disconnect'
  | 'extended-disconnect'
  | 'errinfo'
  | 'freerdp-errconnect'
  | 'freerdp-error'
  | 'rdp-neg-failure'
  | 'licensing'
  | 'licensing-msg-type'
  | 'licensing-state'
  | 'dpu-reason'
  | 'logon-error'
  | 'ntstatus'
  | 'sspi'
  | 'kerberos'
  | 'tls-alert'
  | 'tls-version'
  | 'tls-cipher-suite'
  | 'eproxy'
  | 'rdp-protocol'
  | 'icmpv4-type'
  | 'icmpv4-code'
  | 'icmpv6-type'
  | 'icmpv6-code';

export interface CodeInfo extends CodeEntry {
  readonly table: TableId;
  /** false when the value is not in the table (fallback name). */
  readonly known: boolean;
}

export interface CodeTable {
  readonly id: TableId;
  readonly title: string;
  /** docs/findings section(s) the table implements. */
  readonly section: string;
  readonly entries: readonly CodeEntry[];
  /** Digits used when printing the code in hex (0 = as short as possible). */
  readonly hexDigits: number;
  /** How the code is usually written by people and tools. */
  readonly radix: 'hex' | 'dec';
  /** Known entry or undefined. */
  find(code: number): CodeInfo | undefined;
  /** Known entry or a fallback; never throws. */
  lookup(code: number): CodeInfo;
  /** Entries whose name or alias equals `name` (case-insensitive). */
  byName(name: string): CodeInfo[];
}

export interface TableSpec {
  readonly id: TableId;
  readonly title: string;
  readonly section: string;
  readonly entries: readonly CodeEntry[];
  readonly hexDigits: number;
  readonly radix: 'hex' | 'dec';
  /** Name for a value that is not in the table, e.g. `ERRINFO_0x00001234 (unknown)`. */
  readonly fallbackName: (code: number, hex: string) => string;
  /** Optional synthetic answer for values outside the explicit entries (e.g. a documented range). */
  readonly extra?: (code: number) => CodeEntry | undefined;
}

/** Normalise any JS number to the unsigned 32-bit value codes are compared as; NaN if not an integer. */
export function toU32(code: number): number {
  if (!Number.isInteger(code)) return Number.NaN;
  if (code < -0x80000000 || code > 0xffffffff) return Number.NaN;
  return code >>> 0;
}

/** `0x904`, `0x00000007`: upper-case digits, padded to `digits` (0 = minimal). */
export function formatHex(code: number, digits = 0): string {
  if (!Number.isInteger(code)) return String(code);
  const u = code < 0 && code >= -0x80000000 ? code >>> 0 : code;
  if (u < 0) return String(code);
  return '0x' + u.toString(16).toUpperCase().padStart(digits, '0');
}

export function defineTable(spec: TableSpec): CodeTable {
  const byCode = new Map<number, CodeInfo>();
  const byNameMap = new Map<string, CodeInfo[]>();
  const addName = (n: string, info: CodeInfo): void => {
    const key = n.toLowerCase();
    const list = byNameMap.get(key);
    if (list) list.push(info);
    else byNameMap.set(key, [info]);
  };
  for (const e of spec.entries) {
    const info: CodeInfo = Object.freeze({ ...e, table: spec.id, known: true });
    // First entry wins; duplicates are a bug caught by the unit tests.
    if (!byCode.has(e.code)) byCode.set(e.code, info);
    addName(e.name, info);
    for (const a of e.aliases ?? []) addName(a, info);
  }
  const find = (code: number): CodeInfo | undefined => {
    const u = toU32(code);
    if (Number.isNaN(u)) return undefined;
    const hit = byCode.get(u);
    if (hit) return hit;
    const extra = spec.extra?.(u);
    return extra ? { ...extra, table: spec.id, known: true } : undefined;
  };
  const lookup = (code: number): CodeInfo => {
    const hit = find(code);
    if (hit) return hit;
    const u = toU32(code);
    const shown = Number.isNaN(u) ? code : u;
    const hex = formatHex(shown, spec.hexDigits);
    return {
      code: shown,
      name: spec.fallbackName(shown, hex),
      meaning: `not a known ${spec.title} value`,
      verified: false,
      source: 'fallback (value not in the table)',
      table: spec.id,
      known: false,
    };
  };
  const byName = (name: string): CodeInfo[] => [...(byNameMap.get(name.trim().toLowerCase()) ?? [])];
  return {
    id: spec.id,
    title: spec.title,
    section: spec.section,
    entries: spec.entries,
    hexDigits: spec.hexDigits,
    radix: spec.radix,
    find,
    lookup,
    byName,
  };
}
