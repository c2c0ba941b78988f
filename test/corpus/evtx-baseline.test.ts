/**
 * The EVTX reader against an independent parser (python-evtx 0.8.0, dumps beside each file in
 * ../shared/evtx/public): every record python-evtx rendered must be read by us with the same
 * EventRecordID, TimeCreated, provider, event id, channel, computer and data pairs.
 *
 * The two write some value types differently; `sameValue` accepts exactly these differences and
 * nothing else (each is how Windows itself writes the value, which is what we follow):
 *  - FILETIME: python-evtx converts the 100 ns count through a double (float(qword) * 1e-7 -
 *    11644473600, then datetime.utcfromtimestamp, rounding half to even to microseconds) and prints
 *    it with a space and "+00:00"; we keep the exact 100 ns digits in ISO form. `pythonTime`
 *    repeats python-evtx's arithmetic on our exact value: the results must be equal to the
 *    microsecond. SYSTEMTIME (milliseconds) must be equal exactly.
 *  - HexInt32/HexInt64/size_t: python-evtx pads hex to the type width and prints size_t in
 *    decimal; Windows writes 0x without leading zeros. Equal when the numbers are equal.
 *  - GUIDs (python-evtx lower case, Windows upper case) and booleans (True/true): case-insensitive.
 *  - Binary: python-evtx writes base64, Windows upper-case hex. Equal when the bytes are equal.
 *  - CR LF inside strings: the oracle's XML round trip turns it into LF (XML end-of-line rule).
 *  - Control characters XML cannot hold (U+0001–U+0008, U+000B, U+000C, U+000E–U+001F): python-evtx
 *    deletes them (escape_value); we keep the value as written.
 *  - Arrays of strings: python-evtx prints `<string>a</string>\n<string>b</string>\n` inside one
 *    Data element; Windows repeats the element once per item, which is what we do. python-evtx's
 *    splitter (a byte regex, Evtx/Nodes.py WstringArrayTypeNode.string) also skips leading empty
 *    strings and misreads some runs of them (EventLog 6013 has four empty insertion strings before
 *    the uptime; driver events have an empty %1 before the adapter name). So the test rebuilds the
 *    array's bytes from our items (NUL-terminated UTF-16LE), runs python-evtx's splitting steps on
 *    them (`pythonStringArray`), and requires python-evtx's exact text.
 *
 * Records we read beyond the baseline: files where python-evtx failed (listed in the manifest) or
 * where a damaged record stops python-evtx's walk through the chunk (we find the next record and
 * go on). Those are allowed only in the files below, must come with a warning, and must have
 * record ids not otherwise present.
 */
import { describe, expect, it } from 'vitest';
import { readEvtxFile } from '../../src/evtx/evtx-reader.js';
import type { EventRecord } from '../../src/evtx/event.js';
import { isoToSeconds } from '../../src/evtx/time.js';
import { corpusName, evtxFiles, HAVE_EVTX_CORPUS, readBaseline, type BaselineRecord } from '../helpers/evtx-corpus.js';

/** Files where we read more records than python-evtx, and why. */
const MORE_THAN_BASELINE: Record<string, string> = {
  'mdecrevoisier__EVTX-to-MITRE-Attack/TA0001-Initial access/T1078-Valid accounts/ID1149-RDP success logins to multiple hosts.evtx':
    'written without templates and without the dependency identifier in element headers: python-evtx renders none of the 11 records, we read all',
  'mdecrevoisier__EVTX-to-MITRE-Attack/TA0007-Discovery/T1046-Network Service Scanning/ID131-RDP brutforce (no user info).evtx':
    'same writer as the 1149 file: python-evtx renders none of the 154 records, we read all',
  'omerbenamram__evtx/samples/2-vss_0-Microsoft-Windows-RemoteDesktopServices-RdpCoreTS%4Operational.evtx':
    'dirty VSS copy: damaged records in the middle of chunks end python-evtx\'s walk through those chunks; we skip the damaged bytes and read the records after them',
  'omerbenamram__evtx/samples/2-vss_0-Microsoft-Windows-TerminalServices-RemoteConnectionManager%4Operational.evtx':
    'dirty VSS copy, as the RdpCoreTS one',
  'omerbenamram__evtx/samples/sample-with-zero-data-size-event.evtx':
    'a record of size 0 ends python-evtx\'s walk through its chunk; we resynchronise on the next record signature',
  'omerbenamram__evtx/samples/sample_with_a_bad_chunk_magic.evtx':
    'a damaged record ends python-evtx\'s walk through its chunk; we resynchronise on the next record signature',
};

/** Records python-evtx printed that we skip as damaged (zeroed size copy), per file. */
const DAMAGED_RECORDS: Record<string, number> = {
  'omerbenamram__evtx/samples/sample_with_a_bad_chunk_magic.evtx': 3,
};

const GUID = /^\{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}$/i;
const PY_TIME = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?\+00:00$/;
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

function asNumber(s: string): bigint | null {
  if (/^0x[0-9a-f]+$/i.test(s)) return BigInt(s);
  if (/^\d+$/.test(s)) return BigInt(s);
  return null;
}

function base64Hex(s: string): string | null {
  if (!/^[A-Za-z0-9+/]+=*$/.test(s) || s.length % 4 !== 0) return null;
  return Buffer.from(s, 'base64').toString('hex').toUpperCase();
}

function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Our 7-digit ISO time as python-evtx would print it from the same FILETIME: [unix seconds, microseconds]. */
function pythonTime(iso: string): [number, number] | null {
  const m = /^(.*T\d\d:\d\d:\d\d)\.(\d{7})Z$/.exec(iso);
  if (!m) return null;
  const ticks = BigInt(Date.parse(m[1] + 'Z')) * 10000n + BigInt(m[2]!) + 116444736000000000n;
  const t = Number(ticks) * 1e-7 - 11644473600;
  let sec = Math.trunc(t);
  let us = roundHalfEven((t - sec) * 1e6);
  if (us >= 1000000) {
    sec += 1;
    us -= 1000000;
  }
  return [sec, us];
}

/** A python-evtx time ("YYYY-MM-DD HH:MM:SS[.ffffff]+00:00" or the TSV's ISO form): [unix seconds, microseconds]. */
function baseTime(s: string): [number, number] | null {
  const m = /^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?(?:\+00:00|Z)$/.exec(s);
  if (!m) return null;
  return [Date.parse(`${m[1]}T${m[2]}Z`) / 1000, Number((m[3] ?? '').padEnd(6, '0'))];
}

function sameTime(mine: string, base: string): boolean {
  const b = baseTime(base);
  if (b === null) return false;
  const p = pythonTime(mine);
  if (p !== null) return p[0] === b[0] && p[1] === b[1];
  // SYSTEMTIME: milliseconds.
  return Math.abs(isoToSeconds(mine) - (b[0] + b[1] / 1e6)) < 1e-7;
}

const XML_RESTRICTED = /[\x01-\x08\x0b\x0c\x0e-\x1f]/g;

export function sameValue(mine: string, base: string): boolean {
  mine = mine.replace(/\r\n/g, '\n').replace(XML_RESTRICTED, '');
  base = base.replace(/\r\n/g, '\n');
  if (mine === base) return true;
  if (GUID.test(mine) && GUID.test(base)) return mine.toLowerCase() === base.toLowerCase();
  if (/^(true|false)$/i.test(mine) && /^(true|false)$/i.test(base)) return mine.toLowerCase() === base.toLowerCase();
  if (/^0x[0-9a-f]+$/.test(mine)) {
    const b = asNumber(base);
    return b !== null && b === BigInt(mine);
  }
  if (ISO_TIME.test(mine) && (PY_TIME.test(base) || ISO_TIME.test(base))) return sameTime(mine, base);
  if (/^[0-9A-F]+$/.test(mine) && mine.length % 2 === 0) return base64Hex(base) === mine;
  return false;
}

/**
 * What python-evtx prints for a UTF-16 string array whose items are `items`: the steps of its
 * WstringArrayTypeNode.string() (search for a run of byte pairs whose first byte is not NUL —
 * Python's `.` stops at LF —, print it, drop as many bytes as it and a NUL take from the start of
 * the bytes (not from where it was found), print one empty string per NUL pair
 * that follows), applied to the NUL-terminated UTF-16LE bytes of the items.
 */
function pythonStringArray(items: string[]): string {
  let bin = Buffer.from(items.map((i) => i + '\0').join(''), 'utf16le').toString('latin1');
  let acc = '';
  while (bin.length > 0) {
    const m = /(?:[^\x00][^\n])+/.exec(bin);
    if (m) {
      acc += `<string>${Buffer.from(m[0], 'latin1').toString('utf16le')}</string>\n`;
      bin = bin.slice(m[0].length + 2); // from the start, not from the match (as python-evtx does)
      if (bin.length === 0) break;
    }
    const z = /^\x00*/.exec(bin)![0];
    if (z.length % 2 !== 0) return '(python-evtx raises: uneven NULs)';
    for (let i = 0; i < z.length / 2; i++) acc += '<string></string>\n';
    bin = bin.slice(z.length);
  }
  return acc;
}

const PY_ARRAY = /^(?:<string>[\s\S]*?<\/string>\n)+$/;

function compare(mine: EventRecord, base: BaselineRecord): string | null {
  if (!sameTime(mine.time, base.time)) return `time ${mine.time} ≠ ${base.time}`;
  for (const f of ['provider', 'eventId', 'channel', 'computer'] as const) {
    if (String(mine[f]) !== String(base[f])) return `${f} ${mine[f]} ≠ ${base[f]}`;
  }
  let j = 0;
  for (let i = 0; i < base.data.length; i++) {
    const [bk, bv] = base.data[i]!;
    if (/^Data\[\d+\]$/.test(bk) && PY_ARRAY.test(bv)) {
      // One python-evtx Data holding an array = our run of unnamed Data pairs.
      const items: string[] = [];
      while (j < mine.data.length && /^Data\[\d+\]$/.test(mine.data[j]![0])) items.push(mine.data[j++]![1]);
      const py = pythonStringArray(items);
      if (py !== bv) return `string array ${JSON.stringify(items).slice(0, 200)} → ${JSON.stringify(py).slice(0, 200)} ≠ ${JSON.stringify(bv).slice(0, 200)}`;
      continue;
    }
    const m = mine.data[j++];
    if (!m) return `pair ${bk} missing`;
    const [mk, mv] = m;
    if (mk.replace(/\[\d+\]$/, '') !== bk.replace(/\[\d+\]$/, '')) return `pair ${i} name ${mk} ≠ ${bk}`;
    if (!sameValue(mv, bv)) return `${mk}: ${JSON.stringify(mv).slice(0, 200)} ≠ ${JSON.stringify(bv).slice(0, 200)}`;
  }
  if (j !== mine.data.length) return `${mine.data.length - j} more data pairs than python-evtx: ${JSON.stringify(mine.data.slice(j)).slice(0, 200)}`;
  return null;
}

describe.skipIf(!HAVE_EVTX_CORPUS)('EVTX reader vs python-evtx on the public corpus', () => {
  const files = evtxFiles();
  it('finds the 35 files of the corpus', () => {
    expect(files).toHaveLength(35);
  });
  for (const f of files) {
    const name = corpusName(f);
    it(name, () => {
      const base = readBaseline(f);
      const mine: EventRecord[] = [];
      const warnings: string[] = [];
      for (const item of readEvtxFile(f, name)) {
        if ('event' in item) mine.push(item.event);
        else warnings.push(item.warning.message);
      }
      const byId = new Map<number, EventRecord[]>();
      for (const e of mine) byId.set(e.recordId, [...(byId.get(e.recordId) ?? []), e]);
      const problems: string[] = [];
      const damaged = new Set(warnings.map((w) => /^record (\d+) is damaged/.exec(w)?.[1]).filter((x) => x !== undefined).map(Number));
      let skippedDamaged = 0;
      for (const b of base) {
        const m = byId.get(b.recordId);
        if (!m && damaged.has(b.headerNumber)) {
          // python-evtx renders records whose trailing size copy is zeroed (their data is cut off,
          // e.g. "PackageFamilyName=Microsoft.Wi"); we skip them with a warning naming them.
          skippedDamaged++;
          continue;
        }
        if (!m || m.length !== 1) {
          problems.push(`record ${b.recordId}: ${m ? `${m.length} copies` : 'not read'}`);
          continue;
        }
        const d = compare(m[0]!, b);
        if (d) problems.push(`record ${b.recordId}: ${d}`);
      }
      expect(problems.slice(0, 10)).toEqual([]);
      expect(skippedDamaged).toBe(DAMAGED_RECORDS[name] ?? 0);
      const extra = mine.length - (base.length - skippedDamaged);
      if (MORE_THAN_BASELINE[name] === undefined) {
        expect(extra).toBe(0);
      } else {
        expect(extra).toBeGreaterThan(0);
        // Every extra record has an id of its own.
        expect(byId.size).toBe(mine.length);
        if (base.length > 0) expect(warnings.length).toBeGreaterThan(0);
      }
    });
  }
});
