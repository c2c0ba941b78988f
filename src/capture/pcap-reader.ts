/**
 * Classic pcap (draft-ietf-opsawg-pcap): all four magics (µs/ns, both byte orders) and
 * the Kuznetzov variant. Streams records through a ReadWindow; a lying length field is
 * reported and the reader re-synchronises on the next plausible record header.
 */
import { u32 } from '../core/bytes.js';
import { issue } from '../core/issues.js';
import type { Frame } from './frame.js';
import { newFrame } from './frame.js';
import type { FrameSink } from './source.js';
import { DEFAULT_WINDOW, type ReadWindow } from './window.js';

export const PCAP_MAGIC_US = 0xa1b2c3d4;
export const PCAP_MAGIC_NS = 0xa1b23c4d;
export const PCAP_MAGIC_KUZNETZOV = 0xa1b2cd34;

/** libpcap's largest per-record size (MAXIMUM_SNAPLEN); larger incl_len means corruption. */
export const MAX_RECORD = 262144;
/** Never buffer more than this for one record, whatever the header's snaplen says. */
export const MAX_RECORD_HARD = 16 << 20;
/** How far to scan for the next plausible record after a corrupt header. */
const RESYNC_SCAN = 4 << 20;

export interface PcapHeader {
  littleEndian: boolean;
  nanos: boolean;
  kuznetzov: boolean;
  versionMajor: number;
  versionMinor: number;
  snaplen: number;
  linkType: number;
  fcsBytes: number;
}

export function parsePcapHeader(b: Uint8Array): PcapHeader | null {
  if (b.length < 24) return null;
  const be = u32(b, 0, false);
  const le = u32(b, 0, true);
  let littleEndian: boolean;
  let magic: number;
  if (be === PCAP_MAGIC_US || be === PCAP_MAGIC_NS || be === PCAP_MAGIC_KUZNETZOV) {
    littleEndian = false;
    magic = be;
  } else if (le === PCAP_MAGIC_US || le === PCAP_MAGIC_NS || le === PCAP_MAGIC_KUZNETZOV) {
    littleEndian = true;
    magic = le;
  } else return null;
  const v = (o: number) => (littleEndian ? b[o]! | (b[o + 1]! << 8) : (b[o]! << 8) | b[o + 1]!);
  const linkWord = u32(b, 20, littleEndian);
  const fcsPresent = (linkWord & 0x04000000) !== 0;
  return {
    littleEndian,
    nanos: magic === PCAP_MAGIC_NS,
    kuznetzov: magic === PCAP_MAGIC_KUZNETZOV,
    versionMajor: v(4),
    versionMinor: v(6),
    snaplen: u32(b, 16, littleEndian),
    linkType: linkWord & 0xffff,
    fcsBytes: fcsPresent ? ((linkWord >>> 28) & 0xf) * 2 : 0,
  };
}

export interface ReadStats {
  frames: number;
  truncated: boolean;
}

/** Reads records after the 24-byte header (already consumed from `w`). */
export async function readPcapRecords(
  w: ReadWindow,
  h: PcapHeader,
  sink: FrameSink,
  fileIndex: number,
  label: string,
): Promise<ReadStats> {
  const le = h.littleEndian;
  const hdrLen = h.kuznetzov ? 24 : 16;
  const limit = Math.min(MAX_RECORD_HARD, Math.max(MAX_RECORD, h.snaplen));
  const f: Frame = newFrame();
  f.fileIndex = fileIndex;
  f.linkType = h.linkType;
  let index = 0;
  let lastSec = -1;
  let truncated = false;
  const fracMul = h.nanos ? 1 : 1000;

  for (;;) {
    if (w.available < hdrLen) {
      await w.fill(hdrLen);
      if (w.available < hdrLen) {
        if (w.available > 0) {
          sink.issue({
            ...issue('pcap', index + 1, NaN, w.offset, `${label}: cut-off record header (${w.available} of ${hdrLen} bytes) at end of file`),
            file: label,
          });
          truncated = true;
        }
        break;
      }
    }
    const b = w.buf;
    const s = w.start;
    const sec = u32(b, s, le);
    const frac = u32(b, s + 4, le);
    const incl = u32(b, s + 8, le);
    const orig = u32(b, s + 12, le);
    if (incl > limit) {
      sink.issue({
        ...issue(
          'pcap',
          index + 1,
          NaN,
          w.offset,
          `${label}: record ${index + 1} claims ${incl} captured bytes (limit ${limit}); corrupt length field`,
          'error',
        ),
        file: label,
      });
      const ok = await resync(w, h, hdrLen, limit, lastSec);
      if (!ok) {
        truncated = true;
        break;
      }
      sink.issue({
        ...issue('pcap', index + 1, NaN, w.offset, `${label}: resumed at the next plausible record header`),
        file: label,
      });
      continue;
    }
    if (w.available < hdrLen + incl) {
      await w.fill(hdrLen + incl);
      if (w.available < hdrLen + incl) {
        sink.issue({
          ...issue(
            'pcap',
            index + 1,
            sec + (frac * fracMul) / 1e9,
            w.offset,
            `${label}: frame ${index + 1} cut off: ${w.available - hdrLen} of ${incl} captured bytes present at end of file`,
          ),
          file: label,
        });
        truncated = true;
        break;
      }
    }
    index++;
    const d = w.start + hdrLen;
    f.index = index;
    f.tsSec = sec;
    f.tsNsec = frac * fracMul;
    if (f.tsNsec >= 1e9) {
      // The fraction field is out of range: carry whole seconds, as the pcapng reader does.
      sink.issue({
        ...issue('pcap', index, NaN, w.offset + 4, `${label}: frame ${index} has a timestamp fraction of ${frac} ${h.nanos ? 'ns' : 'µs'} (≥ 1 s); carried into the seconds`),
        file: label,
      });
      f.tsSec += Math.floor(f.tsNsec / 1e9);
      f.tsNsec %= 1e9;
    }
    f.ts = f.tsSec + f.tsNsec / 1e9;
    let cap = incl;
    let wire = orig;
    if (h.fcsBytes > 0 && cap >= h.fcsBytes) {
      cap -= h.fcsBytes;
      wire = Math.max(0, wire - h.fcsBytes);
    }
    f.caplen = cap;
    f.origLen = wire;
    f.data = w.buf.subarray(d, d + cap);
    lastSec = sec;
    w.start += hdrLen + incl;
    sink.frame(f);
    if (w.buf.length > DEFAULT_WINDOW) w.shrink();
  }
  return { frames: index, truncated };
}

/** Scans forward for a header that looks like a record, followed by another one (or EOF). */
async function resync(w: ReadWindow, h: PcapHeader, hdrLen: number, limit: number, lastSec: number): Promise<boolean> {
  const le = h.littleEndian;
  const fracLimit = h.nanos ? 1e9 : 1e6;
  let scanned = 0;
  w.start += 1;
  while (scanned < RESYNC_SCAN) {
    await w.fill(Math.min(w.buf.length, 1 << 20));
    if (w.available < hdrLen) return false;
    const b = w.buf;
    let p = w.start;
    let needMore = false;
    for (; p + hdrLen <= w.end; p++, scanned++) {
      const sec = u32(b, p, le);
      const incl = u32(b, p + 8, le);
      const orig = u32(b, p + 12, le);
      if (incl === 0 || incl > limit || orig < incl || orig > 0x40000) continue;
      if (u32(b, p + 4, le) >= fracLimit) continue;
      if (lastSec >= 0 && Math.abs(sec - lastSec) > 86400) continue;
      const next = p + hdrLen + incl;
      if (next + hdrLen <= w.end) {
        const sec2 = u32(b, next, le);
        const incl2 = u32(b, next + 8, le);
        const orig2 = u32(b, next + 12, le);
        if (incl2 > limit || orig2 < incl2 || Math.abs(sec2 - sec) > 86400) continue;
        w.start = p;
        return true;
      }
      if (w.eof) {
        if (next === w.end) {
          w.start = p;
          return true;
        }
        continue;
      }
      needMore = true;
      break;
    }
    if (scanned >= RESYNC_SCAN) return false;
    if (needMore) {
      if (w.start === p && w.available >= Math.min(w.buf.length, 1 << 20)) return false;
      w.start = p;
      continue;
    }
    if (w.eof) return false;
    w.start = Math.max(w.start, w.end - hdrLen + 1);
  }
  return false;
}
