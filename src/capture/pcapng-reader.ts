/**
 * pcapng (draft-ietf-opsawg-pcapng): sections in either byte order, interfaces with their
 * own link type, if_tsresol and if_tsoffset; EPB, SPB, obsolete PB, NRB, ISB (drop counts),
 * Decryption Secrets Blocks (TLS key logs), unknown and custom blocks skipped.
 * Frame numbers count every packet-like record, as Wireshark does.
 */
import { u16, u32 } from '../core/bytes.js';
import { issue } from '../core/issues.js';
import type { Frame, InterfaceInfo } from './frame.js';
import { newFrame } from './frame.js';
import type { FrameSink } from './source.js';
import { impossibleTime } from './timestamp-check.js';
import { DEFAULT_WINDOW, type ReadWindow } from './window.js';

export const BT_SHB = 0x0a0d0d0a;
export const BT_IDB = 0x00000001;
export const BT_PB = 0x00000002;
export const BT_SPB = 0x00000003;
export const BT_NRB = 0x00000004;
export const BT_ISB = 0x00000005;
export const BT_EPB = 0x00000006;
export const BT_JOURNAL = 0x00000009;
export const BT_DSB = 0x0000000a;
export const BOM = 0x1a2b3c4d;
export const SECRETS_TLS = 0x544c534b;

/** Largest block we buffer; a larger claimed length is treated as corruption. */
export const MAX_BLOCK = 32 << 20;
const RESYNC_SCAN = 4 << 20;
/**
 * Interfaces described per file at most. Real captures have a handful (dumpcap -i any, a
 * router's ports); every IDB costs a record here and a line in the report, so a file made of
 * millions of 20-byte IDBs would otherwise grow both without limit. Further IDBs are counted,
 * reported once, and their packets are reported as on an interface that was not read.
 */
export const MAX_INTERFACES = 4096;

/** Records that Wireshark (4.0) shows as frames although they carry no link-layer packet: systemd journal, sysdig events and custom blocks. */
const NON_PACKET_FRAME_TYPES = new Set([BT_JOURNAL, 0xbad, 0x40000bad, 0x204, 0x205, 0x206, 0x207, 0x208, 0x209, 0x20a, 0x20b, 0x211, 0x212, 0x213, 0x216, 0x217]);
/** Link type used for those records so decoders skip them. */
export const LINKTYPE_NON_PACKET = -1;

interface Iface {
  linkType: number;
  snaplen: number;
  /** Timestamp units per second (10^n or 2^n). */
  unitsPerSec: number;
  tsOffset: number;
  fcsBytes: number;
  name?: string;
  dropped: number;
  received?: number;
}

export interface PcapngStats {
  frames: number;
  truncated: boolean;
  sections: number;
}

/** Reads a whole pcapng stream from `w` (positioned at the first SHB). */
export async function readPcapngBlocks(w: ReadWindow, sink: FrameSink, fileIndex: number, label: string): Promise<PcapngStats> {
  const f: Frame = newFrame();
  f.fileIndex = fileIndex;
  let le = true;
  let ifaces: Iface[] = [];
  let index = 0;
  let sections = 0;
  let truncated = false;
  let ifaceBase = 0; // interface ids reported to the sink are unique across sections
  let skipSection = false; // a section of an unsupported major version is skipped whole
  let ignoredIfaces = 0; // IDBs over MAX_INTERFACES in the whole file
  let ignoredInSection = 0;

  /** `frame` defaults to the next frame; packet-block branches pass the frame they are reading. */
  const report = (msg: string, severity: 'warning' | 'error' = 'warning', offset = w.offset, frame = index + 1) =>
    sink.issue({ ...issue('pcapng', frame, NaN, offset, `${label}: ${msg}`, severity), file: label });

  for (;;) {
    if (w.available < 12) {
      await w.fill(12);
      if (w.available < 12) {
        if (w.available > 0) {
          report(`cut-off block header (${w.available} bytes) at end of file`);
          truncated = true;
        }
        break;
      }
    }
    let b = w.buf;
    let s = w.start;
    const typeRaw = u32(b, s, le);
    if (typeRaw === BT_SHB) {
      // Byte order comes from the Byte-Order Magic, before the length can be read.
      const bomLe = u32(b, s + 8, true);
      if (bomLe === BOM) le = true;
      else if (u32(b, s + 8, false) === BOM) le = false;
      else {
        report('Section Header Block with a bad byte-order magic', 'error');
        if (!(await resync(w, le))) {
          truncated = true;
          break;
        }
        continue;
      }
    }
    const type = u32(b, s, le);
    const declaredLen = u32(b, s + 4, le);
    // Old NTAR writers stored the unpadded length but still padded the block. Rounded in
    // floating point: `(declaredLen + 3) & ~3` wraps to 0 for 0xfffffffd..0xffffffff (a
    // zero-length block that was read again for ever).
    const len = declaredLen + ((4 - (declaredLen % 4)) % 4);
    if (declaredLen < 12 || len > MAX_BLOCK) {
      report(`block type 0x${type.toString(16)} has an impossible length ${declaredLen}`, 'error');
      if (!(await resync(w, le))) {
        truncated = true;
        break;
      }
      report('resumed at the next plausible block');
      continue;
    }
    if (w.available < len) {
      await w.fill(len);
      if (w.available < len) {
        const isPacket = type === BT_EPB || type === BT_SPB || type === BT_PB;
        sink.issue({
          ...issue(
            'pcapng',
            index + 1,
            NaN,
            w.offset,
            `${label}: ${isPacket ? `frame ${index + 1}` : `block type 0x${type.toString(16)}`} cut off: ${w.available} of ${len} bytes present at end of file`,
          ),
          file: label,
        });
        truncated = true;
        break;
      }
      b = w.buf;
      s = w.start;
    }
    const trailer = u32(b, s + len - 4, le);
    if (trailer !== len && trailer !== declaredLen) {
      report(`block type 0x${type.toString(16)}: trailing length ${trailer} differs from leading length ${declaredLen}`, 'error');
      if (!(await resync(w, le))) {
        truncated = true;
        break;
      }
      continue;
    }
    const bodyStart = s + 8;
    const bodyEnd = s + len - 4;
    if (skipSection && type !== BT_SHB) {
      w.start += len;
      continue;
    }
    switch (type) {
      case BT_SHB: {
        sections++;
        ifaceBase += ifaces.length;
        ifaces = [];
        ignoredInSection = 0;
        const major = u16(b, bodyStart + 4, le);
        const minor = u16(b, bodyStart + 6, le);
        skipSection = major !== 1 || (minor !== 0 && minor !== 2);
        if (skipSection) report(`section ${sections} has pcapng version ${major}.${minor}; only 1.0 (and the 1.2 some writers use) are defined; its blocks are skipped`, 'error');
        break;
      }
      case BT_IDB: {
        if (bodyEnd - bodyStart < 8) {
          report('Interface Description Block too short', 'error');
          break;
        }
        if (ifaceBase + ifaces.length >= MAX_INTERFACES) {
          if (ignoredIfaces === 0) report(`more than ${MAX_INTERFACES} Interface Description Blocks; further interfaces are not read and their packets are not decoded`, 'error');
          ignoredIfaces++;
          ignoredInSection++;
          break;
        }
        const iface: Iface = {
          linkType: u16(b, bodyStart, le),
          snaplen: u32(b, bodyStart + 4, le),
          unitsPerSec: 1e6,
          tsOffset: 0,
          fcsBytes: 0,
          dropped: 0,
        };
        walkOptions(b, bodyStart + 8, bodyEnd, le, (code, o, l) => {
          if (code === 9 && l >= 1) {
            const r = b[o]!;
            iface.unitsPerSec = r & 0x80 ? 2 ** (r & 0x7f) : 10 ** (r & 0x7f);
          } else if (code === 14 && l >= 8) {
            const hi = u32(b, o + (le ? 4 : 0), le) | 0;
            const lo = u32(b, o + (le ? 0 : 4), le);
            iface.tsOffset = hi * 0x1_0000_0000 + lo;
          } else if (code === 2) {
            iface.name = new TextDecoder().decode(b.subarray(o, o + l)).replace(/\0+$/, '');
          } else if (code === 13 && l >= 1) {
            iface.fcsBytes = b[o]!;
          }
        });
        ifaces.push(iface);
        sink.interface(ifaceInfo(ifaceBase + ifaces.length - 1, iface), fileIndex);
        break;
      }
      case BT_EPB:
      case BT_PB: {
        index++;
        const isEpb = type === BT_EPB;
        if (bodyEnd - bodyStart < 20) {
          report(`frame ${index}: packet block too short`, 'error', w.offset, index);
          break;
        }
        const ifId = isEpb ? u32(b, bodyStart, le) : u16(b, bodyStart, le);
        const tsHi = u32(b, bodyStart + 4, le);
        const tsLo = u32(b, bodyStart + 8, le);
        let cap = u32(b, bodyStart + 12, le);
        const orig = u32(b, bodyStart + 16, le);
        const dataStart = bodyStart + 20;
        const iface = ifaces[ifId];
        if (!iface) {
          if (ifId < ifaces.length + ignoredInSection) report(`frame ${index}: interface ${ifId} is beyond the ${MAX_INTERFACES} interfaces read; not decoded`, 'warning', w.offset, index);
          else report(`frame ${index}: refers to interface ${ifId}, which the section did not describe`, 'error', w.offset, index);
          emitEmpty(f, index, sink);
          break;
        }
        if (dataStart + cap > bodyEnd) {
          report(`frame ${index}: captured length ${cap} runs past the block end; clipped`, 'error', w.offset, index);
          cap = Math.max(0, bodyEnd - dataStart);
        }
        let flags = 0;
        const optStart = dataStart + ((cap + 3) & ~3);
        if (optStart < bodyEnd) {
          walkOptions(b, optStart, bodyEnd, le, (code, o, l) => {
            if (code === 2 && l >= 4) flags = u32(b, o, le);
          });
        }
        setTime(f, iface, tsHi, tsLo);
        fill(f, index, ifaceBase + ifId, iface, b.subarray(dataStart, dataStart + cap), orig, flags);
        const badTime = impossibleTime(f);
        if (badTime !== null) report(badTime, 'warning', w.offset + 12, index);
        sink.frame(f);
        break;
      }
      case BT_SPB: {
        index++;
        const iface = ifaces[0];
        if (!iface || bodyEnd - bodyStart < 4) {
          report(`frame ${index}: Simple Packet Block without interface 0`, 'error', w.offset, index);
          emitEmpty(f, index, sink);
          break;
        }
        const orig = u32(b, bodyStart, le);
        let cap = Math.min(orig, bodyEnd - bodyStart - 4);
        if (iface.snaplen > 0) cap = Math.min(cap, iface.snaplen);
        f.tsSec = 0;
        f.tsNsec = 0;
        f.ts = NaN; // SPB carries no time
        fill(f, index, ifaceBase, iface, b.subarray(bodyStart + 4, bodyStart + 4 + cap), orig, 0);
        sink.frame(f);
        break;
      }
      case BT_ISB: {
        if (bodyEnd - bodyStart < 12) break;
        const ifId = u32(b, bodyStart, le);
        const iface = ifaces[ifId];
        if (!iface) break;
        walkOptions(b, bodyStart + 12, bodyEnd, le, (code, o, l) => {
          if (l < 8) return;
          const v = u32(b, o + (le ? 4 : 0), le) * 0x1_0000_0000 + u32(b, o + (le ? 0 : 4), le);
          if (code === 5 || code === 7) iface.dropped = Math.max(iface.dropped, v); // isb_ifdrop, isb_osdrop
          else if (code === 4) iface.received = v; // isb_ifrecv
        });
        sink.interface(ifaceInfo(ifaceBase + ifId, iface), fileIndex);
        break;
      }
      case BT_DSB: {
        if (bodyEnd - bodyStart < 8) break;
        const secretsType = u32(b, bodyStart, le);
        const secretsLen = u32(b, bodyStart + 4, le);
        if (bodyStart + 8 + secretsLen > bodyEnd) {
          report('Decryption Secrets Block length runs past the block', 'error');
          break;
        }
        if (secretsType === SECRETS_TLS) {
          const text = new TextDecoder().decode(b.subarray(bodyStart + 8, bodyStart + 8 + secretsLen));
          sink.secrets({ fromFrame: index + 1, fileIndex, text });
        }
        break;
      }
      default: {
        if (NON_PACKET_FRAME_TYPES.has(type)) {
          index++;
          f.index = index;
          f.linkType = LINKTYPE_NON_PACKET;
          f.caplen = 0;
          f.origLen = 0;
          f.data = b.subarray(bodyStart, bodyStart);
          f.ts = NaN;
          sink.frame(f);
        }
        // NRB, custom and unknown blocks: skipped by length.
      }
    }
    w.start += len;
    if (w.buf.length > DEFAULT_WINDOW) w.shrink();
  }
  if (ignoredIfaces > 0) report(`${ignoredIfaces} Interface Description Block(s) over the limit of ${MAX_INTERFACES} were not read`, 'error', w.offset, 0);
  return { frames: index, truncated, sections };
}

function ifaceInfo(id: number, i: Iface): InterfaceInfo {
  const info: InterfaceInfo = { id, linkType: i.linkType, snaplen: i.snaplen, dropped: i.dropped };
  if (i.name !== undefined) info.name = i.name;
  if (i.received !== undefined) info.received = i.received;
  return info;
}

function emitEmpty(f: Frame, index: number, sink: FrameSink): void {
  f.index = index;
  f.linkType = LINKTYPE_NON_PACKET;
  f.caplen = 0;
  f.origLen = 0;
  f.data = f.data.subarray(0, 0);
  f.ts = NaN;
  sink.frame(f);
}

function fill(f: Frame, index: number, ifId: number, iface: Iface, data: Uint8Array, orig: number, flags: number): void {
  f.index = index;
  f.ifIndex = ifId;
  f.linkType = iface.linkType;
  f.direction = flags & 3;
  let d = data;
  let wire = orig;
  const fcs = (flags >>> 5) & 0xf || iface.fcsBytes;
  if (fcs > 0 && d.length >= fcs && d.length === wire) {
    d = d.subarray(0, d.length - fcs);
    wire -= fcs;
  }
  f.data = d;
  f.caplen = d.length;
  f.origLen = wire;
}

const TWO32 = 0x1_0000_0000;

function setTime(f: Frame, iface: Iface, hi: number, lo: number): void {
  const ups = iface.unitsPerSec;
  if (hi < 0x200000) {
    // Below 2^53: exact in doubles.
    const t = hi * TWO32 + lo;
    const sec = Math.floor(t / ups);
    const rem = t - sec * ups;
    f.tsSec = sec + iface.tsOffset;
    f.tsNsec = ups === 1e9 ? rem : Math.round((rem * 1e9) / ups);
  } else {
    const t = (BigInt(hi) << 32n) | BigInt(lo);
    const u = BigInt(ups);
    const sec = t / u;
    const rem = t - sec * u;
    f.tsSec = Number(sec) + iface.tsOffset;
    f.tsNsec = Number((rem * 1_000_000_000n) / u);
  }
  if (f.tsNsec >= 1e9) {
    f.tsSec += 1;
    f.tsNsec -= 1e9;
  }
  f.ts = f.tsSec + f.tsNsec / 1e9;
}

function walkOptions(
  b: Uint8Array,
  start: number,
  end: number,
  le: boolean,
  visit: (code: number, valueOffset: number, length: number) => void,
): void {
  let o = start;
  while (o + 4 <= end) {
    const code = u16(b, o, le);
    const l = u16(b, o + 2, le);
    if (code === 0) break;
    if (o + 4 + l > end) break;
    visit(code, o + 4, l);
    o += 4 + ((l + 3) & ~3);
  }
}

const KNOWN_TYPES = new Set([BT_SHB, BT_IDB, BT_PB, BT_SPB, BT_NRB, BT_ISB, BT_EPB, BT_JOURNAL, BT_DSB, 0xbad, 0x40000bad]);

/** Finds the next 4-aligned offset holding a known block type whose lengths agree. */
async function resync(w: ReadWindow, le: boolean): Promise<boolean> {
  let scanned = 0;
  w.start += 4;
  while (scanned < RESYNC_SCAN) {
    await w.fill(Math.min(w.buf.length, 1 << 20));
    if (w.available < 12) return false;
    const b = w.buf;
    let p = w.start;
    let needMore = false;
    for (; p + 12 <= w.end; p += 4, scanned += 4) {
      const t = u32(b, p, le);
      if (!KNOWN_TYPES.has(t)) continue;
      const l = u32(b, p + 4, le);
      if (l < 12 || l % 4 !== 0 || l > MAX_BLOCK) continue;
      if (p + l > w.end) {
        if (w.eof) continue;
        needMore = true;
        break;
      }
      if (u32(b, p + l - 4, le) !== l) continue;
      w.start = p;
      return true;
    }
    if (needMore) {
      if (w.start === p && w.available >= Math.min(w.buf.length, 1 << 20)) {
        w.start = p + 4;
        continue;
      }
      w.start = p;
      await w.fill(Math.min(MAX_BLOCK, u32(w.buf, w.start + 4, le)));
      continue;
    }
    if (w.eof) return false;
    w.start = p;
  }
  return false;
}
