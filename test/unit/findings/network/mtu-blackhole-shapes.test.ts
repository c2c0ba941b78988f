/**
 * Shapes of the PMTU black hole that no lab capture has at scale, written as small classic pcaps
 * by this test (Ethernet / IPv4 / TCP with payload): the receiver-side view where data past the
 * hole is far beyond any window (issue 13 item 8: 200 000 segments behind a hole were called a
 * black hole with "17 773 100 bytes never arrived"), and the client-side view where only the
 * server's ACKs carry sequence numbers past data the client never received (issue 12 class 6).
 * The RDP bytes are a real X.224 Connection Request / Confirm (MS-RDPBCGR 2.2.1.1, 2.2.1.2).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeFiles } from '../../../../src/analyze.js';

const C = 0x0a4d0102; // 10.77.1.2
const S = 0x0a4d0202; // 10.77.2.2
const CP = 50000;
const SP = 3389;
const SYN = 0x02;
const ACK = 0x10;
const PSH = 0x08;
const X224_CR = Buffer.from('030000130ee000000000000100080003000000', 'hex');
const X224_CC = Buffer.from('030000130ed000001234000200080001000000', 'hex');

interface Seg { ts: number; fromClient: boolean; seq: number; ack: number; flags: number; payload?: Buffer; mss?: number; win?: number }

function frame(s: Seg, ipId: number): Buffer {
  const opt = s.mss ? 4 : 0;
  const pl = s.payload ?? Buffer.alloc(0);
  const r = Buffer.alloc(14 + 20 + 20 + opt + pl.length);
  r.writeUInt16BE(0x0800, 12);
  const ip = 14;
  r[ip] = 0x45;
  r.writeUInt16BE(20 + 20 + opt + pl.length, ip + 2);
  r.writeUInt16BE(ipId & 0xffff, ip + 4);
  r[ip + 6] = 0x40;
  r[ip + 8] = s.fromClient ? 64 : 63;
  r[ip + 9] = 6;
  r.writeUInt32BE(s.fromClient ? C : S, ip + 12);
  r.writeUInt32BE(s.fromClient ? S : C, ip + 16);
  let sum = 0;
  for (let i = 0; i < 20; i += 2) sum += r.readUInt16BE(ip + i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  r.writeUInt16BE(~sum & 0xffff, ip + 10);
  const t = ip + 20;
  r.writeUInt16BE(s.fromClient ? CP : SP, t);
  r.writeUInt16BE(s.fromClient ? SP : CP, t + 2);
  r.writeUInt32BE(s.seq >>> 0, t + 4);
  r.writeUInt32BE(s.ack >>> 0, t + 8);
  r[t + 12] = ((20 + opt) / 4) << 4;
  r[t + 13] = s.flags;
  r.writeUInt16BE(s.win ?? 64240, t + 14);
  if (s.mss) {
    r[t + 20] = 2;
    r[t + 21] = 4;
    r.writeUInt16BE(s.mss, t + 22);
  }
  pl.copy(r, t + 20 + opt);
  return r;
}

function writePcap(path: string, segs: Seg[]): void {
  const parts: Buffer[] = [];
  const gh = Buffer.alloc(24);
  gh.writeUInt32LE(0xa1b2c3d4, 0);
  gh.writeUInt16LE(2, 4);
  gh.writeUInt16LE(4, 6);
  gh.writeUInt32LE(65535, 16);
  gh.writeUInt32LE(1, 20);
  parts.push(gh);
  let id = 1;
  for (const s of segs) {
    const f = frame(s, id++);
    const h = Buffer.alloc(16);
    const sec = Math.floor(s.ts);
    h.writeUInt32LE(sec, 0);
    h.writeUInt32LE(Math.round((s.ts - sec) * 1e6), 4);
    h.writeUInt32LE(f.length, 8);
    h.writeUInt32LE(f.length, 12);
    parts.push(h, f);
  }
  writeFileSync(path, Buffer.concat(parts));
}

/** Handshake, X.224 CR/CC and the client's first TLS-sized record; returns the next sequence numbers. */
function opening(t0: number): { segs: Seg[]; cs: number; ss: number } {
  let cs = 1000;
  let ss = 50000;
  const segs: Seg[] = [
    { ts: t0, fromClient: true, seq: cs, ack: 0, flags: SYN, mss: 1460 },
    { ts: t0 + 0.01, fromClient: false, seq: ss, ack: cs + 1, flags: SYN | ACK, mss: 1460 },
  ];
  cs++;
  ss++;
  segs.push({ ts: t0 + 0.02, fromClient: true, seq: cs, ack: ss, flags: ACK });
  segs.push({ ts: t0 + 0.03, fromClient: true, seq: cs, ack: ss, flags: ACK | PSH, payload: X224_CR });
  cs += X224_CR.length;
  segs.push({ ts: t0 + 0.04, fromClient: false, seq: ss, ack: cs, flags: ACK | PSH, payload: X224_CC });
  ss += X224_CC.length;
  const hello = Buffer.alloc(300, 0x41);
  segs.push({ ts: t0 + 0.05, fromClient: true, seq: cs, ack: ss, flags: ACK | PSH, payload: hello });
  cs += hello.length;
  return { segs, cs, ss };
}

const dir = mkdtempSync(join(tmpdir(), 'rdpdiag-mtu-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function verdictOf(segs: Seg[], name: string): Promise<{ cause: string; confidence: string; mtu: { data: Record<string, unknown> }[] }> {
  const p = join(dir, name);
  writePcap(p, segs);
  const r = await analyzeFiles([p]);
  const v = r['verdict'] as { cause: string; confidence: string };
  const findings = r['findings'] as { id: string; data: Record<string, unknown> }[];
  return { cause: v.cause, confidence: v.confidence, mtu: findings.filter((f) => f.id === 'mtu.blackhole') };
}

describe('MTU black hole: receiver-side shapes', () => {
  it('a hole followed by 30 000 small segments (far beyond any window) is not a black hole', async () => {
    const { segs, cs, ss } = opening(1_700_000_000);
    let seq = ss + 2 * 1460; // two full-size segments never captured
    let t = 1_700_000_000.1;
    for (let i = 0; i < 30_000; i++) {
      const payload = Buffer.alloc(89, 0x17);
      segs.push({ ts: t, fromClient: false, seq, ack: cs, flags: ACK | PSH, payload });
      seq += payload.length;
      t += 0.0002;
      if (i % 50 === 0) segs.push({ ts: t, fromClient: true, seq: cs, ack: ss, flags: ACK }); // ACK stays at the hole
    }
    const v = await verdictOf(segs, 'behind-hole.pcap');
    expect(v.mtu).toEqual([]);
    expect(v.cause).not.toBe('mtu-blackhole');
  });

  it('control: a hole of two full-size segments, one small tail, then only keep-alives is a black hole', async () => {
    const { segs, cs, ss } = opening(1_700_000_000);
    const tail = Buffer.alloc(741, 0x17);
    segs.push({ ts: 1_700_000_000.1, fromClient: false, seq: ss + 2 * 1460, ack: cs, flags: ACK | PSH, payload: tail });
    segs.push({ ts: 1_700_000_000.11, fromClient: true, seq: cs, ack: ss, flags: ACK });
    for (let i = 0; i < 6; i++) {
      const t = 1_700_000_005 + i * 2;
      segs.push({ ts: t, fromClient: true, seq: cs - 1, ack: ss, flags: ACK });
      segs.push({ ts: t + 0.01, fromClient: false, seq: ss + 2 * 1460 + tail.length, ack: cs, flags: ACK });
    }
    const v = await verdictOf(segs, 'tail-only.pcap');
    expect(v.mtu.length).toBe(1);
    expect(v.mtu[0]!.data['missingBytes']).toBe(2 * 1460);
    expect(v.cause).toBe('mtu-blackhole');
  });

  it('only the server\'s ACKs carry sequence numbers past the data the client never received', async () => {
    const { segs, cs, ss } = opening(1_700_000_000);
    // The server's flight was exactly three full-size segments, all lost; what reaches the client
    // afterwards are the server's answers to its keep-alives, with the sequence number past them.
    segs.push({ ts: 1_700_000_000.11, fromClient: true, seq: cs, ack: ss, flags: ACK });
    for (let i = 0; i < 6; i++) {
      const t = 1_700_000_005 + i * 2;
      segs.push({ ts: t, fromClient: true, seq: cs - 1, ack: ss, flags: ACK });
      segs.push({ ts: t + 0.01, fromClient: false, seq: ss + 3 * 1460, ack: cs, flags: ACK });
    }
    const v = await verdictOf(segs, 'acks-only.pcap');
    expect(v.mtu.length).toBe(1);
    expect(v.mtu[0]!.data['missingBytes']).toBe(3 * 1460);
    expect(v.cause).toBe('mtu-blackhole');
  });
});
