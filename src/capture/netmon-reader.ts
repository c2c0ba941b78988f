/**
 * Microsoft Network Monitor capture files (.cap): 2.x ("GMBU", NetMon 2/3, Message Analyzer
 * exports) and 1.x ("RTSS"). Layout learned from the NetMon 3.x help ("Capture File Format")
 * and Wireshark's wiretap/netmon.c:
 *
 *   file header  magic(4) verMinor(1) verMajor(1) macType(2) SYSTEMTIME start(16)
 *                frameTableOffset(4) frameTableLength(4) userData off/len comment off/len
 *                processInfo off/count networkInfo off/len (all u32 LE) [conversationStats off/len]
 *   2.x record   tsDelta u64 (µs since start) origLen u32 inclLen u32 data[inclLen] trailer
 *   1.x record   tsDelta u32 (ms) origLen u16 inclLen u16 data[inclLen]
 *   trailer      2.1: mediaType u16; 2.2: + processInfoIndex u32;
 *                2.3+: + UTC FILETIME u64 (100 ns since 1601) + timeZoneIndex u8 (15 bytes)
 *   frame table  u32 file offset of each record, in frame order (usually after the records)
 *
 * Frame order and frame numbers come from the frame table, as in Wireshark: records whose
 * media type is 0xFFFC/0xFFFD/0xFFFE (payload header, network info, DNS cache) are skipped
 * without a number; NetEvent (0xFFE0), NetworkInfoEx (0xFFFB) and filter (0xFFFF) records
 * are frames with linkType LINKTYPE_NON_PACKET.
 *
 * Time: 2.3+ records carry their own UTC FILETIME, used as is (what tshark 4.0 shows).
 * Older versions add tsDelta to the header's SYSTEMTIME, which NetMon writes in the
 * capturing machine's local time; Wireshark interprets it in the reading machine's zone,
 * we interpret it as UTC (equal to tshark run with TZ=UTC).
 *
 * Random access: plain files are read with positioned reads through a bounded cache. Gzip
 * and standard input cannot seek, so the stream is first spooled to a temporary file
 * (bounded memory; disk use = the decompressed size, deleted afterwards). When the frame
 * table is missing or unusable (typically a cut-off file) the records are walked
 * sequentially from the end of the header instead, and the walk stops at the first
 * implausible record.
 */
import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { u16le, u32le } from '../core/bytes.js';
import { issue } from '../core/issues.js';
import type { ByteSource } from './byte-source.js';
import type { Frame } from './frame.js';
import { newFrame } from './frame.js';
import { LINKTYPE_NON_PACKET } from './pcapng-reader.js';
import type { FrameSink } from './source.js';
import type { ReadWindow } from './window.js';
import { impossibleTime } from './timestamp-check.js';

/** 'GMBU' and 'RTSS' read as big-endian u32. */
export const NETMON2_MAGIC = 0x474d4255;
export const NETMON1_MAGIC = 0x52545353;

/** Wireshark's WTAP_MAX_PACKET_SIZE_STANDARD: a larger inclLen means a corrupt record. */
export const NETMON_MAX_RECORD = 262144;
/** Fixed part of the file header this reader needs (through networkInfoLength). */
const HEADER_MIN = 64;
/** Where records start after a 2.x header (NetMon 3 writes 72 bytes) or a padded 1.x one. */
const FIRST_RECORD_GUESSES = [72, 128, 64] as const;
/** Frame-table entries read per positioned read. */
const TABLE_CHUNK = 16384;
const CACHE_SIZE = 1 << 20;
/** Seconds between 1601-01-01 and 1970-01-01 (FILETIME epoch to Unix epoch). */
const FILETIME_EPOCH_DELTA = 11644473600;

/** Per-packet media types that are metadata (Wireshark's NETMON_NET_*). */
export const NetmonMedia = {
  PCAP_BASE: 0xe000,
  NETEVENT: 0xffe0,
  NETWORK_INFO_EX: 0xfffb,
  PAYLOAD_HEADER: 0xfffc,
  NETWORK_INFO: 0xfffd,
  DNS_CACHE: 0xfffe,
  NETMON_FILTER: 0xffff,
} as const;

/** Maps a NetMon media type to a LINKTYPE_* value; null = record is skipped (not a frame). */
export function netmonLinkType(media: number): { linkType: number; supported: boolean } | null {
  switch (media) {
    case 0: // some NetMon 3.4 VPN captures use 0 for Ethernet
    case 1:
      return { linkType: 1, supported: true };
    case 2:
      return { linkType: 6, supported: true }; // Token Ring (LINKTYPE_IEEE802_5)
    case 3:
      return { linkType: 10, supported: true }; // FDDI (bit-swapped addresses)
    case 4:
      return { linkType: LINKTYPE_NON_PACKET, supported: true }; // NDIS WAN: ATM PDUs with a NetMon pseudo-header
    case 6:
      return { linkType: LINKTYPE_NON_PACKET, supported: true }; // 802.11 with NetMon's radio metadata header
    case 7: // tunnelling interfaces
    case 8: // wireless WAN
    case 9: // raw IP frames
      return { linkType: 101, supported: true }; // LINKTYPE_RAW
    case 0xe080:
      return { linkType: 105, supported: true }; // "WiFi Message": plain 802.11
    case 0xe083:
    case 0xe084:
    case 0xe085:
    case 0xe086:
    case 0xe087:
    case 0xe088:
      return { linkType: LINKTYPE_NON_PACKET, supported: true }; // Message Analyzer WFP captures
    case NetmonMedia.NETEVENT:
    case NetmonMedia.NETWORK_INFO_EX:
    case NetmonMedia.NETMON_FILTER:
      return { linkType: LINKTYPE_NON_PACKET, supported: true };
    case NetmonMedia.PAYLOAD_HEADER:
    case NetmonMedia.NETWORK_INFO:
    case NetmonMedia.DNS_CACHE:
      return null;
    default:
      if ((media & 0xf000) === NetmonMedia.PCAP_BASE && (media < 0xe080 || media > 0xe08a)) {
        return { linkType: media & 0x0fff, supported: true }; // converted pcap: LINKTYPE in the low bits
      }
      return { linkType: LINKTYPE_NON_PACKET, supported: false };
  }
}

export interface NetmonHeader {
  versionMajor: number;
  versionMinor: number;
  macType: number;
  /** Capture start from the SYSTEMTIME, read as UTC. */
  startSec: number;
  startNsec: number;
  frameTableOffset: number;
  frameTableLength: number;
  /** The other tables (comments, process info, network info; absent ones left out). */
  tables: { offset: number; length: number }[];
}

/** Parses the file header; null when the magic is not NetMon's or it is too short. */
export function parseNetmonHeader(b: Uint8Array): NetmonHeader | null {
  if (b.length < HEADER_MIN) return null;
  const magic = ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
  if (magic !== NETMON2_MAGIC && magic !== NETMON1_MAGIC) return null;
  const w = (o: number) => u16le(b, o);
  const year = w(8);
  const month = w(10);
  const day = w(14);
  const ms = Date.UTC(year, Math.max(0, month - 1), day, w(16), w(18), w(20));
  const startSec = Number.isFinite(ms) ? Math.floor(ms / 1000) : 0;
  const tables: { offset: number; length: number }[] = [];
  // userData, comment, processInfo (a count, not a length), networkInfo: offset/length pairs.
  for (const [o, isCount] of [[32, false], [40, false], [48, true], [56, false]] as const) {
    const offset = u32le(b, o);
    const n = u32le(b, o + 4);
    if (offset > 0 && n > 0) tables.push({ offset, length: isCount ? 1 : n });
  }
  return {
    versionMajor: b[5]!,
    versionMinor: b[4]!,
    macType: w(6),
    startSec,
    startNsec: w(22) * 1_000_000,
    frameTableOffset: u32le(b, 24),
    frameTableLength: u32le(b, 28),
    tables,
  };
}

export interface NetmonStats {
  frames: number;
  truncated: boolean;
  /** Bytes of the (decompressed) file. */
  bytes: number;
  /** Whether frames were found by walking the records because the frame table was unusable. */
  walked: boolean;
}

type PositionedRead = (into: Uint8Array, offset: number, length: number, position: number) => Promise<number>;

/** A bounded read cache over positioned reads: `view` returns bytes at an absolute offset. */
class RandomAccess {
  buf = new Uint8Array(CACHE_SIZE);
  /** File offset of buf[0] and number of valid bytes. */
  base = 0;
  len = 0;
  /** Highest file offset read so far (the summary's byte count). */
  highWater = 0;
  constructor(private readonly readAt: PositionedRead) {}

  /** Uncached positioned reads (the frame table has its own buffer). */
  readAtFn(): PositionedRead {
    return async (into, offset, length, position) => {
      const got = await this.readAt(into, offset, length, position);
      if (got > 0) this.highWater = Math.max(this.highWater, position + got);
      return got;
    };
  }

  /** Makes [pos, pos+n) available; returns how many of them exist (fewer at end of file). */
  async ensure(pos: number, n: number): Promise<number> {
    if (pos >= this.base && pos + n <= this.base + this.len) return n;
    if (n > this.buf.length) this.buf = new Uint8Array(n);
    else if (this.buf.length > CACHE_SIZE && n <= CACHE_SIZE) this.buf = new Uint8Array(CACHE_SIZE);
    this.base = pos;
    this.len = 0;
    while (this.len < this.buf.length) {
      const got = await this.readAt(this.buf, this.len, this.buf.length - this.len, pos + this.len);
      if (got <= 0) break;
      this.len += got;
    }
    this.highWater = Math.max(this.highWater, pos + this.len);
    return Math.min(n, this.len);
  }
}

/** Copies a non-seekable source (its first bytes already in `w`) to a temporary file. */
async function spool(w: ReadWindow, src: ByteSource): Promise<{ fh: FileHandle; dir: string; size: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'rdpdiag-netmon-'));
  const fh = await open(join(dir, 'spool.cap'), 'w+');
  let size = 0;
  const head = w.buf.subarray(w.start, w.end);
  if (head.length > 0) {
    await fh.write(head, 0, head.length, 0);
    size += head.length;
  }
  const chunk = new Uint8Array(CACHE_SIZE);
  if (!w.eof) {
    for (;;) {
      const got = await src.read(chunk, 0, chunk.length);
      if (got === 0) break;
      await fh.write(chunk, 0, got, size);
      size += got;
    }
  }
  return { fh, dir, size };
}

/**
 * Reads a NetMon file whose first bytes are in `w` (nothing consumed) from `src`.
 * Uses `src.readAt` when the source is a plain file, else spools the stream first.
 */
export async function readNetmon(w: ReadWindow, src: ByteSource, sink: FrameSink, fileIndex: number, label: string): Promise<NetmonStats> {
  if (src.readAt && w.base === 0) {
    const readAt = src.readAt.bind(src);
    return readNetmonAt(new RandomAccess(readAt), sink, fileIndex, label);
  }
  const sp = await spool(w, src);
  try {
    const ra = new RandomAccess(async (into, offset, length, position) => (await sp.fh.read(into, offset, length, position)).bytesRead);
    const r = await readNetmonAt(ra, sink, fileIndex, label);
    r.bytes = sp.size;
    return r;
  } finally {
    await sp.fh.close();
    await rm(sp.dir, { recursive: true, force: true });
  }
}

async function readNetmonAt(ra: RandomAccess, sink: FrameSink, fileIndex: number, label: string): Promise<NetmonStats> {
  const stats: NetmonStats = { frames: 0, truncated: false, bytes: 0, walked: false };
  const report = (frame: number, offset: number, msg: string, severity: 'warning' | 'error' = 'warning') =>
    sink.issue({ ...issue('netmon', frame, NaN, offset, `${label}: ${msg}`, severity), file: label });

  const got = await ra.ensure(0, HEADER_MIN);
  const h = got >= HEADER_MIN ? parseNetmonHeader(ra.buf.subarray(0, HEADER_MIN)) : null;
  if (!h) {
    report(0, 0, `NetMon file header cut off (${got} of ${HEADER_MIN} bytes)`, 'error');
    stats.truncated = true;
    stats.bytes = got;
    return stats;
  }
  if (h.versionMajor !== 1 && h.versionMajor !== 2) {
    report(0, 4, `NetMon format version ${h.versionMajor}.${h.versionMinor} is not supported (only 1.x and 2.x are defined)`, 'error');
    stats.truncated = true;
    return stats;
  }
  const v2 = h.versionMajor === 2;
  const perPacket = v2 && h.versionMinor >= 1;
  const trailerLen = !perPacket ? 0 : h.versionMinor === 1 ? 2 : h.versionMinor === 2 ? 6 : 15;
  const hdrLen = v2 ? 16 : 8;
  const fileMedia = netmonLinkType(h.macType);
  const fileLink = fileMedia && fileMedia.supported ? fileMedia.linkType : LINKTYPE_NON_PACKET;
  if (!perPacket && (!fileMedia || !fileMedia.supported)) {
    report(0, 6, `NetMon media type ${h.macType} is unknown; frames are delivered as non-packet records`, 'warning');
  }
  sink.interface({ id: 0, linkType: fileLink, snaplen: 0 }, fileIndex);

  const f: Frame = newFrame();
  f.fileIndex = fileIndex;
  let index = 0;

  const emitEmpty = () => {
    index++;
    f.index = index;
    f.linkType = LINKTYPE_NON_PACKET;
    f.caplen = 0;
    f.origLen = 0;
    f.tsSec = 0;
    f.tsNsec = 0;
    f.ts = NaN;
    f.data = f.data.subarray(0, 0);
    sink.frame(f);
  };

  /**
   * Reads the record at `pos`. Returns the offset after it, or -1 when it could not be read
   * (an issue has been reported). `strict` (sequential walk) also rejects implausible records
   * silently by returning -2.
   */
  const record = async (pos: number, strict: boolean): Promise<number> => {
    const n = await ra.ensure(pos, hdrLen);
    if (n < hdrLen) {
      if (strict && n === 0) return -2;
      report(index + 1, pos, `frame ${index + 1}: record header cut off (${n} of ${hdrLen} bytes) at end of file`);
      stats.truncated = true;
      return -1;
    }
    let b = ra.buf;
    let o = pos - ra.base;
    const lo = u32le(b, o);
    const hi = v2 ? u32le(b, o + 4) : 0;
    let orig = v2 ? u32le(b, o + 8) : u16le(b, o + 4);
    let incl = v2 ? u32le(b, o + 12) : u16le(b, o + 6);
    if (incl > NETMON_MAX_RECORD) {
      if (strict) return -2;
      report(index + 1, pos, `frame ${index + 1} claims ${incl} captured bytes (limit ${NETMON_MAX_RECORD}); corrupt length field`, 'error');
      return -1;
    }
    const total = hdrLen + incl + trailerLen;
    const have = await ra.ensure(pos, total);
    if (have < total) {
      report(index + 1, pos, `frame ${index + 1} cut off: ${Math.max(0, have - hdrLen)} of ${incl + trailerLen} bytes present at end of file`);
      stats.truncated = true;
      return -1;
    }
    b = ra.buf;
    o = pos - ra.base;
    const dataStart = o + hdrLen;
    let linkType = fileLink;
    let supported = true;
    let media = h.macType;
    if (perPacket) {
      media = u16le(b, dataStart + incl);
      const m = netmonLinkType(media);
      if (!m) return pos + total; // metadata Wireshark does not number
      linkType = m.linkType;
      supported = m.supported;
    }
    if (strict && orig < incl && orig !== 0) return -2;
    index++;
    if (!supported) {
      report(index, pos, `frame ${index}: NetMon media type 0x${media.toString(16)} is unknown or unsupported (Wireshark stops reading here); delivered as a non-packet record`);
    }
    let dStart = dataStart;
    if (!perPacket && h.macType === 4 && incl >= 16) {
      // NDIS WAN/ATM: a 16-byte pseudo-header that Wireshark does not count in the lengths.
      dStart += 16;
      incl -= 16;
      orig = Math.max(0, orig - 16);
    }
    f.index = index;
    f.linkType = linkType;
    f.caplen = incl;
    f.origLen = orig;
    f.data = b.subarray(dStart, dStart + incl);
    if (trailerLen >= 15) {
      const t = dataStart + incl + 6; // after mediaType and processInfoIndex
      setFiletime(f, u32le(b, t), u32le(b, t + 4));
    } else if (v2) {
      setDelta(f, h, hi, lo, 1000);
    } else {
      setDelta(f, h, 0, lo, 1_000_000);
    }
    const badTime = impossibleTime(f);
    if (badTime !== null) report(index, trailerLen >= 15 ? pos + hdrLen + incl + 6 : pos, badTime);
    sink.frame(f);
    return pos + total;
  };

  // The frame table: a multiple of 4 bytes, inside the file.
  const tableOk = h.frameTableLength > 0 && h.frameTableLength % 4 === 0 && h.frameTableOffset >= HEADER_MIN;
  let tablePresent = false;
  if (tableOk) {
    const end = await ra.ensure(h.frameTableOffset, Math.min(h.frameTableLength, 4));
    tablePresent = end === Math.min(h.frameTableLength, 4);
    if (tablePresent) {
      const last = await ra.ensure(h.frameTableOffset + h.frameTableLength - 4, 4);
      tablePresent = last === 4;
    }
  }
  if (tablePresent) {
    const count = h.frameTableLength / 4;
    const chunk = new Uint8Array(Math.min(count, TABLE_CHUNK) * 4);
    const readTable = ra.readAtFn();
    for (let i = 0; i < count; ) {
      const want = Math.min(count - i, TABLE_CHUNK);
      let have = 0;
      while (have < want * 4) {
        const g = await readTable(chunk, have, want * 4 - have, h.frameTableOffset + i * 4 + have);
        if (g <= 0) break;
        have += g;
      }
      const entries = Math.floor(have / 4);
      for (let k = 0; k < entries; k++) {
        const pos = u32le(chunk, k * 4);
        const r = await record(pos, false);
        if (r === -1) emitEmpty();
      }
      if (entries < want) {
        report(index + 1, h.frameTableOffset + (i + entries) * 4, `frame table cut off after ${i + entries} of ${count} entries`);
        stats.truncated = true;
        break;
      }
      i += want;
    }
    // The other tables usually follow the frame table: a file cut there loses no frame, but say so.
    // Only whether a table's last byte exists is read: a length field claiming gigabytes must not
    // size the read cache (it was allocated, then refused by FileHandle.read with an abort).
    for (const t of h.tables) {
      if (t.length > 0 && (await ra.ensure(t.offset + t.length - 1, 1)) < 1) {
        report(index, t.offset, `a NetMon table at offset ${t.offset} (user data, comments, process or network info) runs past the end of the file; file cut off?`);
        stats.truncated = true;
      }
    }
  } else {
    stats.walked = true;
    report(
      0,
      24,
      `frame table (offset ${h.frameTableOffset}, ${h.frameTableLength} bytes) is missing or invalid${tableOk ? ' (file cut off?)' : ''}; reading the records in file order`,
    );
    stats.truncated = true;
    // Records end where the first table after them begins.
    let start = -1;
    for (const g of FIRST_RECORD_GUESSES) {
      if (await plausibleAt(ra, g, hdrLen, trailerLen, v2)) {
        start = g;
        break;
      }
    }
    if (start < 0) report(1, FIRST_RECORD_GUESSES[0], 'frame 1: no complete record header after the file header (cut off?)');
    else {
      const limits = [...h.tables.map((t) => t.offset), h.frameTableOffset].filter((x) => x > start);
      const stop = limits.length > 0 ? Math.min(...limits) : Infinity;
      let pos = start;
      while (pos < stop) {
        const r = await record(pos, true);
        if (r < 0) {
          if (r === -2) {
            const more = await ra.ensure(pos, 1);
            if (more > 0) report(index + 1, pos, `frame ${index + 1}: implausible record header at offset ${pos}; stopped reading`, 'error');
            else report(index + 1, pos, `file ends at offset ${pos}, before the frame table (offset ${h.frameTableOffset}); frames after ${index} are lost`);
          }
          break;
        }
        pos = r;
      }
    }
  }
  stats.frames = index;
  stats.bytes = ra.highWater;
  return stats;
}

/** Whether a record header at `pos` looks sane (used only to find where records start). */
async function plausibleAt(ra: RandomAccess, pos: number, hdrLen: number, trailerLen: number, v2: boolean): Promise<boolean> {
  const n = await ra.ensure(pos, hdrLen);
  if (n < hdrLen) return false;
  const o = pos - ra.base;
  const orig = v2 ? u32le(ra.buf, o + 8) : u16le(ra.buf, o + 4);
  const incl = v2 ? u32le(ra.buf, o + 12) : u16le(ra.buf, o + 6);
  if (v2 && u32le(ra.buf, o + 4) > 0x100000) return false;
  if (incl === 0 || incl > NETMON_MAX_RECORD || (orig < incl && orig !== 0)) return false;
  if (trailerLen > 0) {
    const t = await ra.ensure(pos + hdrLen + incl, 2);
    if (t === 2) {
      const media = u16le(ra.buf, pos + hdrLen + incl - ra.base);
      const m = netmonLinkType(media);
      if (m && !m.supported) return false;
    }
  }
  return true;
}

const TWO32 = 0x1_0000_0000;

/** FILETIME (100 ns units since 1601, split in 32-bit halves) to epoch seconds + ns, exactly. */
export function setFiletime(f: Frame, lo: number, hi: number): void {
  // hi * 2^32 = hi * 429 * 1e7 + hi * 4967296: every partial product stays below 2^53.
  let sec: number;
  let rem: number;
  if (hi < 0x40000000) {
    const low = hi * 4967296 + lo;
    sec = hi * 429 + Math.floor(low / 1e7);
    rem = low % 1e7;
  } else {
    const t = (BigInt(hi) << 32n) | BigInt(lo);
    sec = Number(t / 10_000_000n);
    rem = Number(t % 10_000_000n);
  }
  f.tsSec = sec - FILETIME_EPOCH_DELTA;
  f.tsNsec = rem * 100;
  f.ts = f.tsSec + f.tsNsec / 1e9;
}

/** Start time + a delta in `unitNs` units (2.x: µs as a 64-bit count, 1.x: ms). */
function setDelta(f: Frame, h: NetmonHeader, hi: number, lo: number, unitNs: number): void {
  let sec: number;
  let nsec: number;
  if (hi < 0x100000) {
    const d = hi * TWO32 + lo; // < 2^52
    const dSec = Math.floor(d / (1e9 / unitNs));
    const dRem = d - dSec * (1e9 / unitNs);
    sec = h.startSec + dSec;
    nsec = h.startNsec + dRem * unitNs;
  } else {
    // Wireshark: µs × 10 taken as a signed 64-bit count of 100 ns (negative offsets exist).
    let t = BigInt.asIntN(64, ((BigInt(hi) << 32n) | BigInt(lo)) * 10n) * 100n + BigInt(h.startNsec);
    let s = 0n;
    if (t < 0n) {
      s = (t - 999_999_999n) / 1_000_000_000n;
      t -= s * 1_000_000_000n;
    }
    s += t / 1_000_000_000n;
    sec = h.startSec + Number(s);
    nsec = Number(t % 1_000_000_000n);
  }
  while (nsec >= 1e9) {
    nsec -= 1e9;
    sec += 1;
  }
  f.tsSec = sec;
  f.tsNsec = nsec;
  f.ts = sec + nsec / 1e9;
}
