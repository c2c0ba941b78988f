/**
 * explain(): what does this code mean? Accepts numbers in any spelling a user may copy from a
 * client dialog, a log or Wireshark (`0x904`, `904`, `2308`, `0xC000006D`, `-1073741715`), names
 * (`ERRINFO_SERVER_DENIED_CONNECTION`, `krb_ap_err_skew`, `protocol_version`), table prefixes
 * (`alert 70`, `tls:70`, `krb:37`, `ntstatus:…`, `icmp:3/4`) and the mstsc pair `0x904/0x7`.
 * Returns every table where the value has a meaning, likeliest first. Never throws.
 */
import { mstscCodeForNtstatus } from './client-errors.js';
import { dpuReasonTable } from './dpu-reason.js';
import { eproxyTable, normaliseEproxy } from './eproxy.js';
import { errinfoTable } from './errinfo.js';
import { EX_DISC_PROTOCOL_RANGE_END, EX_DISC_PROTOCOL_RANGE_START, extendedDisconnectTable } from './extended-disconnect.js';
import { freerdpErrconnectTable, freerdpError, FREERDP_ERROR_CLASS_CONNECT, FREERDP_ERROR_CLASS_ERRINFO } from './freerdp-errconnect.js';
import { icmpKey, icmpv4CodeTable, icmpv4TypeTable, icmpv6CodeTable, icmpv6TypeTable } from './icmp.js';
import { kerberosErrorTable } from './kerberos-errors.js';
import { licensingErrorTable, licensingMessageTypeTable, licensingStateTable } from './licensing.js';
import { logonErrorTable } from './logon-error.js';
import { mstscDisconnectTable } from './mstsc-disconnect.js';
import { freerdpErrconnectForNtstatus, ntstatusTable } from './ntstatus.js';
import { sspiTable } from './sspi.js';
import { rdpNegFailureTable } from './rdp-neg-failure.js';
import { rdpProtocolTable } from './rdp-protocols.js';
import { ALL_TABLES } from './registry.js';
import { formatHex, type CodeInfo, type CodeTable, type TableId } from './table.js';
import { tlsAlertTable } from './tls-alerts.js';
import { tlsCipherSuiteTable } from './tls-cipher-suites.js';
import { tlsVersionTable } from './tls-versions.js';

export interface ExplainResult {
  readonly table: TableId;
  readonly tableTitle: string;
  readonly code: number;
  readonly hex: string;
  readonly name: string;
  readonly meaning: string;
  readonly verified: boolean;
  readonly source: string;
  readonly related?: string[];
}

/** How a numeric input was read. */
type Reading = 'hex' | 'dec' | 'bare-as-hex' | 'name';

interface Candidate {
  readonly info: CodeInfo;
  readonly title: string;
  readonly hexDigits: number;
  readonly score: number;
  readonly notes: string[];
}

/** Base rank per table for a bare value: mstsc / extended / ERRINFO first (brief). */
const PRIORITY: Readonly<Record<TableId, number>> = {
  'mstsc-disconnect': 100,
  'extended-disconnect': 96,
  errinfo: 92,
  ntstatus: 85,
  sspi: 84,
  eproxy: 80,
  'freerdp-error': 75,
  'rdp-neg-failure': 62,
  'tls-alert': 61,
  kerberos: 60,
  'tls-version': 57,
  'tls-cipher-suite': 56,
  'logon-error': 50,
  'freerdp-errconnect': 45,
  licensing: 40,
  'rdp-protocol': 35,
  'dpu-reason': 30,
  'licensing-msg-type': 20,
  'licensing-state': 20,
  'icmpv4-type': 20,
  'icmpv4-code': 20,
  'icmpv6-type': 20,
  'icmpv6-code': 20,
};

/** Tables a bare number is looked up in (others need a prefix). */
const BARE_TABLES: readonly CodeTable[] = [
  mstscDisconnectTable,
  extendedDisconnectTable,
  errinfoTable,
  ntstatusTable,
  sspiTable,
  eproxyTable,
  rdpNegFailureTable,
  kerberosErrorTable,
  tlsAlertTable,
  logonErrorTable,
  freerdpErrconnectTable,
  licensingErrorTable,
  dpuReasonTable,
];

const PREFIXES: ReadonlyArray<readonly [RegExp, readonly CodeTable[]]> = [
  [/^(?:tls[\s_-]*alert|alert|tls|ssl)$/, [tlsAlertTable]],
  [/^(?:krb5?|kerberos|kdc)$/, [kerberosErrorTable]],
  [/^(?:nt|ntstatus|status)$/, [ntstatusTable]],
  [/^(?:sspi|sec)$/, [sspiTable]],
  [/^(?:errinfo|error[\s_-]*info|seterrorinfo)$/, [errinfoTable]],
  [/^(?:ext|extended|exdisc|exdiscreason)$/, [extendedDisconnectTable]],
  [/^(?:mstsc|disc|discreason|disconnect)$/, [mstscDisconnectTable]],
  [/^(?:freerdp|errconnect)$/, [freerdpErrconnectTable]],
  [/^(?:neg|rdp[\s_-]*neg|negfailure|failure[\s_-]*code|failurecode)$/, [rdpNegFailureTable]],
  [/^(?:lic|license|licensing)$/, [licensingErrorTable]],
  [/^(?:lic[\s_-]*msg|bmsgtype)$/, [licensingMessageTypeTable]],
  [/^(?:lic[\s_-]*state|statetransition)$/, [licensingStateTable]],
  [/^(?:dpu|mcs)$/, [dpuReasonTable]],
  [/^(?:logon|logonerror)$/, [logonErrorTable]],
  [/^(?:eproxy|e_proxy|gateway|rdg|tsg|hresult|hr)$/, [eproxyTable]],
  [/^(?:cipher|suite|ciphersuite|cs)$/, [tlsCipherSuiteTable]],
  [/^(?:tlsver|tls[\s_-]*version|version|ver)$/, [tlsVersionTable]],
  [/^(?:proto|protocol|protocols|requestedprotocols|selectedprotocol)$/, [rdpProtocolTable]],
];

interface ParsedNumber {
  readonly value: number;
  readonly reading: Reading;
}

/** Number readings of one token; [] when it is not a number. */
function parseNumber(token: string): ParsedNumber[] {
  const t = token.trim().replace(/[,_]/g, '');
  if (/^[+-]?0x[0-9a-f]{1,8}$/i.test(t)) {
    const neg = t.startsWith('-');
    const v = parseInt(t.replace(/^[+-]?0x/i, ''), 16);
    return [{ value: neg ? (-v) >>> 0 : v, reading: 'hex' }];
  }
  if (/^[0-9a-f]{1,8}h$/i.test(t)) return [{ value: parseInt(t.slice(0, -1), 16), reading: 'hex' }];
  if (/^-\d{1,10}$/.test(t)) {
    const v = Number(t);
    return v >= -0x80000000 ? [{ value: v >>> 0, reading: 'dec' }] : [];
  }
  if (/^\+?\d{1,10}$/.test(t)) {
    const v = Number(t.replace('+', ''));
    const out: ParsedNumber[] = [];
    if (v <= 0xffffffff) out.push({ value: v, reading: 'dec' });
    // "904" copied from a dialog that shows hex without the 0x.
    if (t.length <= 8 && !t.startsWith('+')) {
      const h = parseInt(t, 16);
      if (h !== v) out.push({ value: h, reading: 'bare-as-hex' });
    }
    return out;
  }
  if (/^[0-9a-f]{1,8}$/i.test(t) && /[a-f]/i.test(t)) return [{ value: parseInt(t, 16), reading: 'hex' }];
  return [];
}

function describeReading(r: Reading, value: number, input: string): string | undefined {
  if (r === 'bare-as-hex') return `read "${input.trim()}" as hexadecimal ${formatHex(value)} (mstsc shows its codes in hex)`;
  return undefined;
}

function scoreFor(table: TableId, reading: Reading, prefixed: boolean, value: number): number {
  let s = PRIORITY[table];
  if (prefixed) return s + 100;
  const decTable = table === 'kerberos' || table === 'tls-alert' || table === 'dpu-reason' || table === 'extended-disconnect';
  if (reading === 'bare-as-hex') s -= table === 'mstsc-disconnect' ? 5 : 30;
  // "0x25" for Kerberos 37 is possible but unusual; 0x0-0x9 read the same either way.
  if (reading === 'hex' && decTable && value >= 10) s -= 25;
  return s;
}

function candidate(table: CodeTable | undefined, info: CodeInfo, score: number, notes: string[]): Candidate {
  return {
    info,
    title: table?.title ?? 'FreeRDP last error',
    hexDigits: table?.hexDigits ?? 8,
    score,
    notes,
  };
}

// ---------------------------------------------------------------------------------------------
// Related notes (cross-references between tables)

const CLASSIC_0X904 = [
  'Usually reported together with an extended reason (mstsc "Extended error code" = ExtendedDisconnectReason); explain that value too.',
  '0x904 with extended 0x7 reads: the client\'s socket was closed after the server denied the connection (exDiscReasonServerDeniedConnection, same number as ERRINFO_SERVER_DENIED_CONNECTION). The names are documented; that mstsc copies the errorInfo the server sent into the extended reason is inferred (docs/findings).',
  'With extended 0 the capture has to show who closed the TCP connection and when; transport and middlebox causes give the same dialog (IMsTscAxEvents::OnDisconnected disconnect reasons, inferred).',
];

function sharedNumbering(code: number): boolean {
  return code <= 0x1a || (code >= 0x100 && code <= 0x10a) || (code > EX_DISC_PROTOCOL_RANGE_START && code < EX_DISC_PROTOCOL_RANGE_END);
}

function relatedFor(info: CodeInfo): string[] {
  const out: string[] = [];
  switch (info.table) {
    case 'mstsc-disconnect':
      if (info.code === 0x904) out.push(...CLASSIC_0X904);
      if (info.code === 0x3) out.push('Not an error by itself: the extended reason says why the server disconnected.');
      if (/^SSL_ERR_|^ERROR_SECURITY_/.test(info.name)) out.push('Authentication (CredSSP/NLA) family; the NTSTATUS in the server\'s TSRequest.errorCode gives the precise reason (MS-CSSP 2.2.1, FreeRDP nla.c).');
      break;
    case 'extended-disconnect': {
      const e = errinfoTable.find(info.code);
      if (e && sharedNumbering(info.code)) out.push(`Same number as ${e.name} (Set Error Info); the server most likely sent it (inferred, docs/findings).`);
      if (info.code === 7) out.push('Typically reported with disconnect reason 0x904 (socket closed) or 0x3 (disconnected by server).');
      break;
    }
    case 'errinfo': {
      if (sharedNumbering(info.code)) {
        const x = extendedDisconnectTable.find(info.code);
        if (x?.known && info.code !== 0) out.push(`mstsc shows it as extended reason ${formatHex(info.code)} (${x.name}); numbering documented, copying inferred.`);
        if (info.code !== 0) out.push(`FreeRDP reports it as ${formatHex(((FREERDP_ERROR_CLASS_ERRINFO << 16) | info.code) >>> 0, 8)}.`);
      }
      if (info.code === 7) out.push('Not the licensing code 0x07 STATUS_VALID_CLIENT, which is normal.');
      break;
    }
    case 'sspi':
    case 'ntstatus': {
      const f = freerdpErrconnectForNtstatus(info.code);
      out.push(`FreeRDP: ${f.name}${f.explicit ? '' : ' (default branch)'} (nla.c, MS-CSSP 2.2.1, FreeRDP nla.c).`);
      const m = mstscCodeForNtstatus(info.code);
      out.push(`mstsc probably shows ${formatHex(m.code)} ${m.name} (name-based mapping, inferred; docs/findings).`);
      break;
    }
    case 'rdp-neg-failure': {
      const fr = info.code === 3 ? 'ERRCONNECT_TLS_CONNECT_FAILED' : info.code === 5 ? 'ERRCONNECT_HYBRID_REQUIRED_BY_SERVER' : 'ERRCONNECT_SECURITY_NEGO_CONNECT_FAILED';
      out.push(`FreeRDP, when no fallback remains: ${fr} (nego.c). The server closes the TCP connection; a retrying client opens a new one with other requestedProtocols.`);
      break;
    }
    case 'licensing':
      if (info.code === 7) out.push('Normal success short-cut; unrelated to ERRINFO 0x7 and extended reason 0x7.');
      break;
    case 'kerberos':
      if (info.code === 25) out.push('Normal first answer to an AS-REQ without pre-authentication: not a failure.');
      if (info.code === 37) out.push('Compare the KRB-ERROR stime with the capture time; more than 300 s is beyond the default tolerance (RFC 4120 §7.5.9).');
      break;
    case 'eproxy': {
      const n = normaliseEproxy(info.code);
      const other = n === info.code ? (0x80070000 | n) >>> 0 : n;
      if (n >= 0x59d8 && n <= 0x5a00) out.push(`Same error as ${formatHex(other, 8)} (other spelling; which one a Windows gateway sends is UNVERIFIED, MS-TSGU, FreeRDP tsg.h).`);
      break;
    }
    default:
      break;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

function numericCandidates(readings: ParsedNumber[], tables: readonly CodeTable[], prefixed: boolean, input: string): Candidate[] {
  const out: Candidate[] = [];
  for (const r of readings) {
    const readingNote = describeReading(r.reading, r.value, input);
    for (const t of tables) {
      if (!prefixed && !bareAllowed(t, r, input)) continue;
      // Digits typed without 0x are read as hex only for tables people write in hex.
      if (r.reading === 'bare-as-hex' && t.radix !== 'hex') continue;
      const info = t.find(r.value);
      if (!info) continue;
      // A protocol-range extended reason with no ERRINFO name says nothing useful for a bare number.
      if (!prefixed && info.table === 'extended-disconnect' && info.name === 'exDiscReasonProtocolRange') continue;
      out.push(candidate(t, info, scoreFor(t.id, r.reading, prefixed, r.value), readingNote ? [readingNote] : []));
    }
    if (!prefixed) {
      // Composite FreeRDP last error (class << 16 | type).
      const cls = r.value >>> 16;
      if ((cls === FREERDP_ERROR_CLASS_ERRINFO || cls === FREERDP_ERROR_CLASS_CONNECT) && (r.value & 0xffff) !== 0) {
        const fe = freerdpError(r.value);
        if (fe.known) out.push(candidate(undefined, fe, scoreFor('freerdp-error', r.reading, false, r.value), readingNote ? [readingNote] : []));
      }
    }
  }
  return out;
}

/** Cipher suites / versions only join a bare lookup when written as 4 hex digits. */
function bareAllowed(t: CodeTable, r: ParsedNumber, input: string): boolean {
  if (t.id === 'tls-cipher-suite' || t.id === 'tls-version') {
    return r.reading === 'hex' && /^(?:0x)?[0-9a-f]{4}$/i.test(input.trim());
  }
  return BARE_TABLES.includes(t);
}

const NAME_PREFIXES = ['', 'ERRINFO_', 'ERRCONNECT_', 'STATUS_', 'KDC_ERR_', 'KRB_AP_ERR_', 'KRB_ERR_', 'E_PROXY_', 'SSL_ERR_', 'exDiscReason', 'disconnectReason', 'LOGON_', 'PROTOCOL_', 'TLS_', 'ERR_'];

function nameCandidates(input: string): Candidate[] {
  const raw = input.trim();
  const variants = new Set([raw, raw.replace(/[\s-]+/g, '_')]);
  // FreeRDP composite names: FREERDP_ERROR_X, FREERDP_ERROR_CONNECT_X.
  for (const v of [...variants]) {
    const m = /^FREERDP_ERROR_(?:CONNECT_)?(.+)$/i.exec(v);
    if (m?.[1]) {
      variants.add(`ERRINFO_${m[1]}`);
      variants.add(`ERRCONNECT_${m[1]}`);
    }
  }
  const found: Candidate[] = [];
  const seen = new Set<string>();
  const add = (t: CodeTable, info: CodeInfo, score: number, notes: string[]): void => {
    const key = `${info.table}:${info.code}`;
    if (seen.has(key)) return;
    seen.add(key);
    found.push(candidate(t, info, score, notes));
  };
  for (const prefix of NAME_PREFIXES) {
    for (const v of variants) {
      for (const t of ALL_TABLES) {
        for (const info of t.byName(prefix + v)) {
          const viaAlias = info.name.toLowerCase() !== (prefix + v).toLowerCase();
          const notes = viaAlias ? [`"${prefix + v}" is another name for ${info.name} (${info.source})`] : [];
          add(t, info, PRIORITY[t.id] + (prefix === '' ? 100 : 80), notes);
        }
      }
    }
    if (found.length > 0) break;
  }
  if (found.length === 0 && raw.length >= 4) {
    // Last resort: substring match on names (e.g. "SERVER_DENIED").
    const needle = raw.replace(/[\s-]+/g, '_').toLowerCase();
    for (const t of ALL_TABLES) {
      for (const e of t.entries) {
        if (e.name.toLowerCase().includes(needle)) {
          const info = t.find(e.code);
          if (info && info.name === e.name) add(t, info, PRIORITY[t.id], [`partial name match for "${raw}"`]);
        }
      }
    }
  }
  return found;
}

function icmpCandidates(v6: boolean, rest: string): Candidate[] {
  const m = /^(\d{1,3})(?:\s*[/:.,\s]\s*(\d{1,3}))?$/.exec(rest.trim());
  if (!m) return [];
  const type = Number(m[1]);
  const out: Candidate[] = [];
  const typeTable = v6 ? icmpv6TypeTable : icmpv4TypeTable;
  const codeTable = v6 ? icmpv6CodeTable : icmpv4CodeTable;
  const t = typeTable.find(type);
  if (t) out.push(candidate(typeTable, t, 200, []));
  if (m[2] !== undefined) {
    const c = codeTable.find(icmpKey(type, Number(m[2])));
    if (c) out.push(candidate(codeTable, c, 201, [`type ${type} code ${m[2]}`]));
  }
  return out;
}

function finish(cands: Candidate[]): ExplainResult[] {
  const best = new Map<string, Candidate>();
  for (const c of cands) {
    const key = `${c.info.table}:${c.info.code}`;
    const prev = best.get(key);
    if (!prev || c.score > prev.score) best.set(key, c);
  }
  return [...best.values()]
    .sort((a, b) => b.score - a.score || PRIORITY[b.info.table] - PRIORITY[a.info.table] || a.info.code - b.info.code)
    .map((c) => {
      const related = [...c.notes, ...relatedFor(c.info), ...(c.info.aliases ?? []).filter((a) => a !== c.info.name).map((a) => `also named ${a}`)];
      const r: ExplainResult = {
        table: c.info.table,
        tableTitle: c.title,
        code: c.info.code,
        hex: formatHex(c.info.code, c.hexDigits),
        name: c.info.name,
        meaning: c.info.meaning,
        verified: c.info.verified,
        source: c.info.source,
      };
      return related.length > 0 ? { ...r, related } : r;
    });
}

function explainInner(input: string): ExplainResult[] {
  const s = input.trim();
  if (s.length === 0 || s.length > 200) return [];

  // mstsc pair: "0x904/0x7", "0x904 0x7", "0x904, ext 0x7".
  const pair = /^(\S+?)\s*(?:\/|,|\s)\s*(?:ext(?:ended)?\s*[:=]?\s*)?(\S+)$/i.exec(s);
  if (pair?.[1] && pair[2]) {
    const a = parseNumber(pair[1]);
    const b = parseNumber(pair[2]);
    if (a.length > 0 && b.length > 0) {
      const first = numericCandidates(a, [mstscDisconnectTable], true, pair[1]);
      const second = numericCandidates(b.filter((r) => r.reading !== 'bare-as-hex'), [extendedDisconnectTable, errinfoTable], true, pair[2]).map((c) => ({ ...c, score: c.score - 10 }));
      if (first.length > 0 || second.length > 0) return finish([...first, ...second]);
    }
  }

  // Prefixed: "alert 70", "tls:70", "tls alert 70", "krb:37", "icmp:3/4".
  const icmp = /^icmp(v?[46])?\s*[:=\s]\s*(.+)$/i.exec(s);
  if (icmp?.[2]) return finish(icmpCandidates(icmp[1]?.endsWith('6') ?? false, icmp[2]));
  const pm = /^([a-z][a-z0-9_\s-]*?)\s*[:=]\s*(.+)$/i.exec(s) ?? /^([a-z][a-z0-9_\s-]*?)\s+(\S+)$/i.exec(s);
  if (pm?.[1] && pm[2]) {
    const prefix = pm[1].toLowerCase().trim();
    const rest = pm[2];
    for (const [re, tables] of PREFIXES) {
      if (!re.test(prefix)) continue;
      const nums = parseNumber(rest).filter((r) => r.reading !== 'bare-as-hex');
      const found =
        nums.length > 0
          ? numericCandidates(nums, tables, true, rest)
          : nameCandidates(rest).filter((c) => tables.some((t) => t.id === c.info.table));
      if (found.length > 0) return finish(found);
      break;
    }
  }

  const nums = parseNumber(s);
  if (nums.length > 0) return finish(numericCandidates(nums, [...BARE_TABLES, tlsCipherSuiteTable, tlsVersionTable], false, s));
  return finish(nameCandidates(s));
}

export function explain(input: string): ExplainResult[] {
  return typeof input === 'string' ? explainInner(input) : [];
}

/** Convenience: the ExplainResult for one table and value (fallback included). */
export function explainIn(table: CodeTable, code: number): ExplainResult {
  const info = table.lookup(code);
  return finish([candidate(table, info, 0, [])])[0] ?? {
    table: table.id,
    tableTitle: table.title,
    code,
    hex: formatHex(code, table.hexDigits),
    name: info.name,
    meaning: info.meaning,
    verified: false,
    source: info.source,
  };
}
