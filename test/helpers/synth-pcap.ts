/**
 * Writes small synthetic classic pcaps for tests that need shapes no real capture in the corpus
 * or the lab has at scale (a SYN flood): Ethernet / IPv4 / TCP, microsecond timestamps.
 */
import { writeFileSync } from 'node:fs';

export interface SynthSegment {
  ts: number;
  src: number;
  dst: number;
  sport: number;
  dport: number;
  seq: number;
  flags: number;
  /** Acknowledgement number (0 when absent). */
  ack?: number;
}

/** The Ethernet / IPv4 / TCP bytes of one segment (54 bytes, IPv4 header checksum computed). */
function frameBytes(s: SynthSegment): Buffer {
  const r = Buffer.alloc(54);
  r.writeUInt16BE(0x0800, 12);
  const ip = 14;
  r[ip] = 0x45;
  r.writeUInt16BE(40, ip + 2);
  r[ip + 6] = 0x40; // DF
  r[ip + 8] = 64;
  r[ip + 9] = 6;
  r.writeUInt32BE(s.src >>> 0, ip + 12);
  r.writeUInt32BE(s.dst >>> 0, ip + 16);
  let sum = 0;
  for (let i = 0; i < 20; i += 2) sum += r.readUInt16BE(ip + i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  r.writeUInt16BE(~sum & 0xffff, ip + 10);
  const t = ip + 20;
  r.writeUInt16BE(s.sport, t);
  r.writeUInt16BE(s.dport, t + 2);
  r.writeUInt32BE(s.seq >>> 0, t + 4);
  r.writeUInt32BE((s.ack ?? 0) >>> 0, t + 8);
  r[t + 12] = 0x50;
  r[t + 13] = s.flags;
  r.writeUInt16BE(64240, t + 14);
  return r;
}

/**
 * pcapng with Simple Packet Blocks only (records without a timestamp): SHB, one Ethernet IDB,
 * then an SPB per segment.
 */
export function writeTcpPcapngSpb(path: string, segs: Iterable<SynthSegment>): number {
  const parts: Buffer[] = [];
  const shb = Buffer.alloc(28);
  shb.writeUInt32LE(0x0a0d0d0a, 0);
  shb.writeUInt32LE(28, 4);
  shb.writeUInt32LE(0x1a2b3c4d, 8);
  shb.writeUInt16LE(1, 12);
  shb.writeBigInt64LE(-1n, 16);
  shb.writeUInt32LE(28, 24);
  const idb = Buffer.alloc(20);
  idb.writeUInt32LE(1, 0);
  idb.writeUInt32LE(20, 4);
  idb.writeUInt16LE(1, 8);
  idb.writeUInt32LE(65535, 12);
  idb.writeUInt32LE(20, 16);
  parts.push(shb, idb);
  let n = 0;
  for (const s of segs) {
    const data = frameBytes(s);
    const padded = (data.length + 3) & ~3;
    const total = 16 + padded;
    const blk = Buffer.alloc(total);
    blk.writeUInt32LE(3, 0);
    blk.writeUInt32LE(total, 4);
    blk.writeUInt32LE(data.length, 8);
    data.copy(blk, 12);
    blk.writeUInt32LE(total, total - 4);
    parts.push(blk);
    n++;
  }
  writeFileSync(path, Buffer.concat(parts));
  return n;
}

export function writeTcpPcap(path: string, segs: Iterable<SynthSegment>): number {
  const parts: Buffer[] = [];
  const gh = Buffer.alloc(24);
  gh.writeUInt32LE(0xa1b2c3d4, 0);
  gh.writeUInt16LE(2, 4);
  gh.writeUInt16LE(4, 6);
  gh.writeUInt32LE(65535, 16);
  gh.writeUInt32LE(1, 20);
  parts.push(gh);
  let n = 0;
  for (const s of segs) {
    const r = Buffer.alloc(16 + 54);
    const sec = Math.floor(s.ts);
    r.writeUInt32LE(sec, 0);
    r.writeUInt32LE(Math.round((s.ts - sec) * 1e6), 4);
    r.writeUInt32LE(54, 8);
    r.writeUInt32LE(54, 12);
    frameBytes(s).copy(r, 16);
    parts.push(r);
    n++;
  }
  writeFileSync(path, Buffer.concat(parts));
  return n;
}
