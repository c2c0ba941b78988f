/**
 * Endace ERF (Extensible Record Format), as written by DAG cards. Layout learned from the
 * Endace "ERF types" documentation and Wireshark's wiretap/erf.c:
 *
 *   record   ts u64 LE (32.32 fixed-point seconds) type u8 flags u8 rlen u16 BE
 *            lctr u16 BE wlen u16 BE  [extension headers, 8 bytes each, while the type
 *            (then each extension's first byte) has bit 0x80]  [sub-header]  data  padding
 *   sub-hdr  Ethernet types (2, 11, 16, 20): offset u8 + pad u8; multi-channel types
 *            (5-9, 12, 17) and AAL2 (18): 4 bytes; others: none
 *   caplen   min(wlen, rlen - 16 - extensions - sub-header); PAD records (48) are skipped
 *
 * There is no file magic: `looksLikeErf` applies Wireshark's heuristic (up to 20 records
 * with sane lengths and types and timestamps that neither go back more than a second nor
 * jump more than a year), except that a bad record after 3 good ones is left to the reader
 * to report rather than making the file unrecognisable. Ethernet records keep their FCS (wlen counts it), as tshark shows
 * them; IPv4/IPv6 records map to LINKTYPE_IPV4/IPV6; other record types (HDLC, ATM,
 * InfiniBand, Provenance/META…) become LINKTYPE_NON_PACKET frames. Interface = flags & 3.
 */
import { u16be, u32le } from '../core/bytes.js';
import { issue } from '../core/issues.js';
import type { Frame } from './frame.js';
import { newFrame } from './frame.js';
import { LINKTYPE_NON_PACKET } from './pcapng-reader.js';
import type { FrameSink } from './source.js';
import type { ReadWindow } from './window.js';

export const ErfType = {
  HDLC_POS: 1,
  ETH: 2,
  ATM: 3,
  AAL5: 4,
  MC_HDLC: 5,
  MC_RAW: 6,
  MC_ATM: 7,
  MC_RAW_CHANNEL: 8,
  MC_AAL5: 9,
  COLOR_HDLC_POS: 10,
  COLOR_ETH: 11,
  MC_AAL2: 12,
  DSM_COLOR_HDLC_POS: 15,
  DSM_COLOR_ETH: 16,
  COLOR_MC_HDLC_POS: 17,
  AAL2: 18,
  COLOR_HASH_POS: 19,
  COLOR_HASH_ETH: 20,
  IPV4: 22,
  IPV6: 23,
  META: 27,
  PAD: 48,
} as const;

const HDR = 16;
/** Wireshark's per-record limit (WTAP_MAX_PACKET_SIZE_STANDARD). */
const MAX_PACKET = 262144;
const PROBE_RECORDS = 20;
const MIN_PROBE_RECORDS = 3;
/** Bytes looked at to recognise the format (20 records of at most 64 KiB fit in 1.3 MiB). */
export const ERF_PROBE_BYTES = 1 << 20;
const YEAR = 3600 * 24 * 365;

function subHeaderLen(type: number): number {
  switch (type & 0x7f) {
    case ErfType.ETH:
    case ErfType.COLOR_ETH:
    case ErfType.DSM_COLOR_ETH:
    case ErfType.COLOR_HASH_ETH:
      return 2;
    case ErfType.MC_HDLC:
    case ErfType.MC_RAW:
    case ErfType.MC_ATM:
    case ErfType.MC_RAW_CHANNEL:
    case ErfType.MC_AAL5:
    case ErfType.MC_AAL2:
    case ErfType.COLOR_MC_HDLC_POS:
    case ErfType.AAL2:
      return 4;
    default:
      return 0;
  }
}

/** LINKTYPE_* of an ERF record type's payload. */
export function erfLinkType(type: number): number {
  switch (type & 0x7f) {
    case ErfType.ETH:
    case ErfType.COLOR_ETH:
    case ErfType.DSM_COLOR_ETH:
    case ErfType.COLOR_HASH_ETH:
      return 1;
    case ErfType.IPV4:
      return 228;
    case ErfType.IPV6:
      return 229;
    default:
      return LINKTYPE_NON_PACKET;
  }
}

/**
 * Length of the extension headers plus sub-header of the record at `o` (within `end`), or
 * -1 when the extension chain runs past the record or the available bytes.
 */
function headerExtras(b: Uint8Array, o: number, rlen: number, end: number): number {
  let type = b[o + 8]!;
  let p = o + HDR;
  while (type & 0x80) {
    if (p + 8 > o + rlen || p + 8 > end) return -1;
    type = b[p]!;
    p += 8;
  }
  const sub = subHeaderLen(b[o + 8]!);
  if (p + sub > o + rlen) return -1;
  return p - o - HDR + sub;
}

/** Wireshark's ERF recogniser over the bytes already in the window (nothing consumed). */
export async function looksLikeErf(w: ReadWindow): Promise<boolean> {
  await w.fill(ERF_PROBE_BYTES);
  const b = w.buf;
  const end = w.end;
  let o = w.start;
  let prevSec = -1;
  let prevFrac = 0;
  let checked = 0;
  for (let i = 0; i < PROBE_RECORDS; i++) {
    if (o === end && w.eof) return checked > 0;
    if (o + HDR > end) return checked >= MIN_PROBE_RECORDS;
    const type = b[o + 8]!;
    const rlen = u16be(b, o + 10);
    // Unlike Wireshark, a bad record after MIN_PROBE_RECORDS good ones does not reject the
    // file: the reader reports it with its frame number and offset instead.
    if (rlen < HDR) return checked >= MIN_PROBE_RECORDS;
    if ((type & 0x7f) === ErfType.PAD) {
      o += rlen;
      continue;
    }
    if ((type & 0x7f) === 0 || (type & 0x7f) > ErfType.PAD) return checked >= MIN_PROBE_RECORDS;
    const frac = u32le(b, o);
    const sec = u32le(b, o + 4);
    if (prevSec >= 0) {
      if (sec < prevSec || (sec === prevSec && frac < prevFrac)) {
        if (prevSec - sec > 1) return checked >= MIN_PROBE_RECORDS;
      } else if (sec - prevSec > YEAR) return checked >= MIN_PROBE_RECORDS;
    }
    prevSec = sec;
    prevFrac = frac;
    if (o + rlen > end) return checked >= MIN_PROBE_RECORDS;
    if (headerExtras(b, o, rlen, end) < 0) return checked >= MIN_PROBE_RECORDS;
    checked++;
    o += rlen;
  }
  return true;
}

export interface ErfStats {
  frames: number;
  truncated: boolean;
}

/** Reads ERF records from `w` (positioned at the first record) to the end. */
export async function readErfRecords(w: ReadWindow, sink: FrameSink, fileIndex: number, label: string): Promise<ErfStats> {
  const f: Frame = newFrame();
  f.fileIndex = fileIndex;
  let index = 0;
  let truncated = false;
  const seenIf = new Set<number>();
  let prevSec = -1;
  const report = (frame: number, offset: number, msg: string, severity: 'warning' | 'error' = 'warning') =>
    sink.issue({ ...issue('erf', frame, NaN, offset, `${label}: ${msg}`, severity), file: label });

  for (;;) {
    if (w.available < HDR) {
      await w.fill(HDR);
      if (w.available < HDR) {
        if (w.available > 0) {
          report(index + 1, w.offset, `frame ${index + 1}: record header cut off (${w.available} of ${HDR} bytes) at end of file`);
          truncated = true;
        }
        break;
      }
    }
    let b = w.buf;
    let s = w.start;
    const type = b[s + 8]!;
    const flags = b[s + 9]!;
    const rlen = u16be(b, s + 10);
    const wlen = u16be(b, s + 14);
    const sec = u32le(b, s + 4);
    const t = type & 0x7f;
    // A record that cannot be one: zero/short length, type 0, or a time far from the last.
    const implausible =
      rlen < HDR || (rlen === HDR && type !== ErfType.PAD) || (type !== ErfType.PAD && (t === 0 || t > ErfType.PAD || (prevSec >= 0 && Math.abs(sec - prevSec) > YEAR)));
    if (implausible) {
      report(index + 1, w.offset, `frame ${index + 1}: impossible record header (type ${type}, rlen ${rlen}); corrupt length field or not ERF past this point; stopped reading`, 'error');
      truncated = true;
      break;
    }
    if (w.available < rlen) {
      await w.fill(rlen);
      if (w.available < rlen) {
        report(index + 1, w.offset, `frame ${index + 1} cut off: ${w.available} of ${rlen} record bytes present at end of file`);
        truncated = true;
        break;
      }
      b = w.buf;
      s = w.start;
    }
    if (type === ErfType.PAD) {
      w.start += rlen;
      continue;
    }
    const extras = headerExtras(b, s, rlen, w.end);
    if (extras < 0) {
      report(index + 1, w.offset, `frame ${index + 1}: extension headers run past the record (rlen ${rlen}); stopped reading`, 'error');
      truncated = true;
      break;
    }
    index++;
    const avail = rlen - HDR - extras;
    const cap = Math.min(wlen, avail, MAX_PACKET);
    const d = s + HDR + extras;
    const ifIndex = flags & 3;
    if (!seenIf.has(ifIndex)) {
      seenIf.add(ifIndex);
      sink.interface({ id: ifIndex, linkType: erfLinkType(type), snaplen: 0 }, fileIndex);
    }
    f.index = index;
    f.ifIndex = ifIndex;
    f.linkType = erfLinkType(type);
    f.caplen = cap;
    f.origLen = wlen;
    f.data = b.subarray(d, d + cap);
    setErfTime(f, u32le(b, s), sec);
    prevSec = sec;
    w.start += rlen;
    sink.frame(f);
    if (w.buf.length > 2 << 20) w.shrink();
  }
  return { frames: index, truncated };
}

const TWO32 = 0x1_0000_0000;

/** 32.32 fixed point to seconds + ns, rounded to nearest as Wireshark does, without BigInt. */
export function setErfTime(f: Frame, frac: number, sec: number): void {
  // frac × 1e9 / 2^32 = (fh × 1e9 × 2^16 + fl × 1e9) / 2^32 with fh, fl the 16-bit halves.
  const a = Math.floor(frac / 65536) * 1e9; // < 2^46
  const aq = Math.floor(a / 65536);
  const r = (a - aq * 65536) * 65536 + (frac % 65536) * 1e9; // < 2^47
  const q2 = Math.floor(r / TWO32);
  const rem = r - q2 * TWO32;
  let ns = aq + q2 + (rem >= 0x80000000 ? 1 : 0);
  let s = sec;
  if (ns >= 1e9) {
    ns -= 1e9;
    s += 1;
  }
  f.tsSec = s;
  f.tsNsec = ns;
  f.ts = s + ns / 1e9;
}
