/**
 * NetXRay and Windows Sniffer captures ("XCP\0" magic, versions 001.000 to 002.003 — the
 * corpus's `ngwsniffer_2_0` — and the older "VL\0\0" NetXRay format). Layout learned from
 * Wireshark's wiretap/netxray.c (the Sniffer formats are undocumented):
 *
 *   header (128 bytes)  magic(4) version(8, "002.001\0") startTime u32 (Unix s) nframes u32
 *                       ? u32 startOffset u32 @24 endOffset u32 @28 … network u8 @44
 *                       networkPlus u8 @45 timeUnit u8 @48 startTsLo u32 @52 startTsHi @56
 *                       realTick[4] @76 capType u8 @84 wanHdlcSubType u8 @92
 *   record              tsLo u32 tsHi u32 then: old: len u16 + 6 bytes;
 *                       1.x: origLen u16 inclLen u16 + 16 bytes; 2.x: same + 28 bytes
 *
 * Time = startTime + (ticks / ticksPerSec − startTicks / ticksPerSec), computed in doubles
 * exactly as Wireshark does so that frame.time_epoch agrees. Ticks per second depend on the
 * version, network, capture type and time unit (Wireshark's tables). In 2.x Ethernet (and
 * 802.11, ISDN, LAPB) records whose header bytes 10-11 are 0xffff carry 4 extra bytes: an
 * FCS when the header's realTick bytes 1-2 are 0x34 0x12 (kept, as tshark shows it), else
 * junk that is dropped from both lengths.
 *
 * Records are read in file order from startOffset to endOffset. A "circular" file
 * (startOffset > endOffset) continues at offset 128 after the end of the file: that needs a
 * second pass, which this streaming reader does not do; it warns instead.
 */
import { u16le, u32le } from '../core/bytes.js';
import { issue } from '../core/issues.js';
import type { Frame } from './frame.js';
import { newFrame } from './frame.js';
import { LINKTYPE_NON_PACKET } from './pcapng-reader.js';
import type { FrameSink } from './source.js';
import type { ReadWindow } from './window.js';
import { impossibleTime } from './timestamp-check.js';

/** 'XCP\0' and 'VL\0\0' as big-endian u32. */
export const NETXRAY_MAGIC = 0x58435000;
export const NETXRAY_OLD_MAGIC = 0x564c0000;
const HEADER = 128;

/** Version strings Wireshark knows, as [major, minor]. */
const VERSIONS: Record<string, [number, number]> = {
  '001.000': [1, 0],
  '001.100': [1, 1],
  '002.000': [2, 0],
  '002.001': [2, 1],
  '002.002': [2, 2],
  '002.003': [2, 3],
};

const TPS = [1e6, 1193000.0, 1193182.0];
const TPS_GIGPOD = [1e9, 0, 31250000.0];
const TPS_OTHERPOD = [1e6, 0, 1250000.0];
const TPS_OTHERPOD2 = [1e6, 0, 0];
const TPS_GIGPOD2 = [1e9, 0, 20000000.0];

export interface NetxrayHeader {
  versionMajor: number;
  versionMinor: number;
  /** NDIS network type (1 Ethernet, 2 Token Ring, 3 FDDI, 4 WAN, 9 ATM, 10 802.11). */
  networkType: number;
  capType: number;
  startTime: number;
  startOffset: number;
  endOffset: number;
  ticksPerSec: number;
  /** Start time stamp already divided by ticksPerSec (seconds, double). */
  startTimestamp: number;
  fcsValid: boolean;
  linkType: number;
  /** Whether 0xffff in record bytes 10-11 means 4 trailing bytes (FCS or junk). */
  trailerFlag: boolean;
}

/** Parses the 128-byte header; a string is the reason the file cannot be read. */
export function parseNetxrayHeader(b: Uint8Array): NetxrayHeader | string {
  if (b.length < HEADER) return `file header cut off (${b.length} of ${HEADER} bytes)`;
  const magic = ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
  let major: number;
  let minor: number;
  const version = String.fromCharCode(...b.subarray(4, 11));
  if (magic === NETXRAY_OLD_MAGIC) {
    major = 0;
    minor = 0;
  } else if (magic === NETXRAY_MAGIC) {
    const known = b[11] === 0 ? VERSIONS[version] : undefined;
    if (!known) return `version "${version.replace(/[^\x20-\x7e]/g, '?')}" is not supported`;
    [major, minor] = known;
  } else return 'not a NetXRay/Sniffer file';

  const network = b[44]!;
  const networkPlus = b[45]!;
  let networkType: number;
  if (networkPlus === 0) networkType = network + 1;
  else if (networkPlus === 2) networkType = network;
  else return `the byte after the network type has the value ${networkPlus}, which is not understood`;
  const timeUnit = b[48]!;
  const capType = b[84]!;
  let startTs = u32le(b, 52) + u32le(b, 56) * 4294967296.0;
  let tps: number;
  if (major === 0 || (major === 1 && minor === 0)) tps = 1000.0;
  else if (major === 1) tps = 1e6;
  else if (networkType === 1) {
    const table = capType === 0 ? TPS : capType === 2 ? TPS_GIGPOD : capType === 3 ? TPS_OTHERPOD : capType === 5 ? TPS_OTHERPOD2 : capType === 6 ? TPS_GIGPOD2 : null;
    if (!table) return `unknown capture type ${capType} for an Ethernet capture`;
    if (timeUnit >= table.length || table[timeUnit] === 0) return `unknown time unit ${timeUnit} for Ethernet capture type ${capType}`;
    tps = capType === 0 && timeUnit === 2 ? u32le(b, 76) : table[timeUnit]!;
    if (capType !== 0 && (minor === 2 || minor === 3)) startTs = 0;
  } else {
    if (timeUnit >= TPS.length) return `unknown time unit ${timeUnit}`;
    tps = TPS[timeUnit]!;
  }
  if (!(tps > 0)) return `ticks per second is ${tps}`;

  let linkType: number;
  let trailerFlag = false;
  switch (networkType) {
    case 1:
      linkType = 1;
      trailerFlag = true;
      break;
    case 2:
      linkType = 6;
      break;
    case 3:
      linkType = 10;
      break;
    case 4: // WAN: Ethernet-shaped before 2.x, else PPP/Frame Relay/LAPB/ISDN/SDLC/Cisco HDLC
      linkType = major === 2 ? LINKTYPE_NON_PACKET : 1;
      trailerFlag = major !== 2 || capType === 6 || capType === 8;
      break;
    case 9: // ATM with a Sniffer pseudo-header
      linkType = LINKTYPE_NON_PACKET;
      break;
    case 10: // 802.11; radio information is in the record header
      linkType = 105;
      trailerFlag = true;
      break;
    default:
      return `network type ${networkType} is unknown or unsupported`;
  }
  return {
    versionMajor: major,
    versionMinor: minor,
    networkType,
    capType,
    startTime: u32le(b, 12),
    startOffset: u32le(b, 24),
    endOffset: u32le(b, 28),
    ticksPerSec: tps,
    startTimestamp: startTs / tps,
    fcsValid: major === 2 && b[77] === 0x34 && b[78] === 0x12,
    linkType,
    trailerFlag,
  };
}

export interface NetxrayStats {
  frames: number;
  truncated: boolean;
}

/** Reads a NetXRay/Windows Sniffer file whose first bytes are in `w` (nothing consumed). */
export async function readNetxray(w: ReadWindow, sink: FrameSink, fileIndex: number, label: string): Promise<NetxrayStats> {
  const report = (frame: number, offset: number, msg: string, severity: 'warning' | 'error' = 'warning') =>
    sink.issue({ ...issue('netxray', frame, NaN, offset, `${label}: ${msg}`, severity), file: label });
  await w.fill(HEADER);
  const h = parseNetxrayHeader(w.buf.subarray(w.start, Math.min(w.end, w.start + HEADER)));
  if (typeof h === 'string') {
    report(0, 0, `NetXRay/Sniffer ${h}`, 'error');
    return { frames: 0, truncated: true };
  }
  sink.interface({ id: 0, linkType: h.linkType, snaplen: 0 }, fileIndex);
  const hdrLen = h.versionMajor === 0 ? 16 : h.versionMajor === 1 ? 28 : 40;
  const f: Frame = newFrame();
  f.fileIndex = fileIndex;
  f.linkType = h.linkType;
  let index = 0;
  let truncated = false;

  if (h.startOffset < HEADER) {
    report(0, 24, `first record offset ${h.startOffset} lies inside the ${HEADER}-byte header; reading from ${HEADER}`);
  }
  const start = Math.max(HEADER, h.startOffset);
  const circular = h.startOffset > h.endOffset;
  // Skip to the first record.
  while (w.offset < start) {
    const skip = Math.min(start - w.offset, w.available);
    w.start += skip;
    if (w.offset < start) {
      await w.fill(Math.min(1 << 20, start - w.offset));
      if (w.available === 0) break;
    }
  }

  for (;;) {
    if (!circular && w.offset >= h.endOffset) break;
    if (w.available < hdrLen) {
      await w.fill(hdrLen);
      if (w.available < hdrLen) {
        if (w.available > 0 || (!circular && w.offset < h.endOffset)) {
          report(index + 1, w.offset, `frame ${index + 1}: record header cut off (${w.available} of ${hdrLen} bytes) before the end of the capture data (offset ${h.endOffset})`);
          truncated = true;
        } else if (circular) {
          report(index + 1, w.offset, `circular capture buffer: the records from offset ${HEADER} to ${h.endOffset} (after the file's end in time) are not read`);
        }
        break;
      }
    }
    let b = w.buf;
    let s = w.start;
    const lo = u32le(b, s);
    const hi = u32le(b, s + 4);
    let incl: number;
    let orig: number;
    if (h.versionMajor === 0) {
      incl = u16le(b, s + 8);
      orig = incl;
    } else {
      orig = u16le(b, s + 8);
      incl = u16le(b, s + 10);
    }
    let padding = 0;
    if (h.versionMajor === 2 && h.trailerFlag && b[s + 12 + 2] === 0xff && b[s + 12 + 3] === 0xff && !(h.fcsValid && (h.linkType === 1 || h.linkType === 105))) {
      padding = 4;
    }
    if (incl < padding) {
      report(index + 1, w.offset, `frame ${index + 1}: captured length ${incl} is shorter than its ${padding} trailing bytes; corrupt length field`, 'error');
      truncated = true;
      break;
    }
    const total = hdrLen + incl;
    if (w.available < total) {
      await w.fill(total);
      if (w.available < total) {
        report(index + 1, w.offset, `frame ${index + 1} cut off: ${w.available - hdrLen} of ${incl} captured bytes present at end of file`);
        truncated = true;
        break;
      }
      b = w.buf;
      s = w.start;
    }
    if (!circular && w.offset + total > h.endOffset) {
      report(index + 1, w.offset, `frame ${index + 1}: ${incl} captured bytes run past the end of the capture data (offset ${h.endOffset}); corrupt length field`, 'error');
      truncated = true;
      break;
    }
    index++;
    // Wireshark's arithmetic, in doubles: ticks → seconds since the start stamp.
    const t = (lo + hi * 4294967296.0) / h.ticksPerSec - h.startTimestamp;
    const whole = Math.trunc(t);
    f.index = index;
    f.tsSec = h.startTime + whole;
    f.tsNsec = Math.trunc((t - Math.trunc(t)) * 1.0e9);
    f.ts = f.tsSec + f.tsNsec / 1e9;
    const badTime = impossibleTime(f);
    if (badTime !== null) report(index, w.offset, badTime);
    f.caplen = incl - padding;
    f.origLen = Math.max(0, orig - padding);
    f.data = b.subarray(s + hdrLen, s + hdrLen + f.caplen);
    w.start += total;
    sink.frame(f);
    if (w.buf.length > 2 << 20) w.shrink();
  }
  return { frames: index, truncated };
}
