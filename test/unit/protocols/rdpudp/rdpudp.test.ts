/**
 * RDP-UDP SYN / SYN+ACK decoding, checked against tshark 4.0's rdpudp dissector on every
 * public capture with UDP 3389 traffic, plus hand-built fixtures for malformed input.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fromHex } from '../../../../src/core/bytes.js';
import { parseRdpUdpSyn, RdpUdpDecoder, RdpUdpFlag } from '../../../../src/protocols/rdpudp/rdpudp.js';
import type { RdpUdpEvent } from '../../../../src/protocols/rdpudp/events.js';
import type { DecodeIssue } from '../../../../src/core/issues.js';

const TSHARK = '/usr/bin/tshark';
const here = path.dirname(fileURLToPath(import.meta.url));
const PUBLIC = path.resolve(here, '../../../..', '..', 'shared', 'captures', 'public');
const CAPTURES = [
  'ajbanjara__Wireshark/uploads/5a3487bb74d3724d1ed7e99b31d1c3a7/ws-credssp/win2k19-joined.cap.converted.pcapng',
  'ajbanjara__Wireshark/uploads/b268382f9025e0e45501431e33009738/TSRemoteGuardCreds/TSRemoteGuardCreds.cap.converted.pcapng',
  'zeek__zeek/testing/btest/Traces/rdp/rdp-rdpeudp-handshake-fail.pcap',
  'zeek__zeek/testing/btest/Traces/rdp/rdp-rdpeudp-handshake-success.pcap',
  'zeek__zeek/testing/btest/Traces/rdp/rdpeudp-handshake-fail.pcap',
  'zeek__zeek/testing/btest/Traces/rdp/rdpeudp-handshake-success.pcap',
  'zeek__zeek/testing/btest/Traces/rdp/rdpeudp2-handshake-success.pcap',
  'ntop__nDPI/tests/cfgs/default/pcap/rdp2.pcap',
  'sbousseaden__PCAP-ATTACK/Lateral Movement/LM_rdp_sharprdp.pcapng',
];

// Real SYN from zeek rdpeudp-handshake-success.pcap frame 1 (first 56 bytes; the rest is zero padding
// up to 1232 bytes): snSourceAck ffffffff, window 0x0040, flags 0x1801 = SYN|CORRELATION_ID|SYNEX,
// ISN 0x0b127f15, MTUs 0x04d0 = 1232, correlation id 7855d064…0000 (16) + 16 reserved, SYNEX flags 1, version 3.
const SYN_HEAD =
  'ffffffff004018010b127f1504d004d07855d064fbaf43f0b6e8f8aadfad0000' + '00'.repeat(16) + '00010003';
const SYN = (() => {
  const b = new Uint8Array(1232);
  b.set(fromHex(SYN_HEAD));
  return b;
})();

describe('parseRdpUdpSyn (hand-checked fixture)', () => {
  it('decodes the SYN fields', () => {
    const s = parseRdpUdpSyn(SYN)!;
    expect(s.kind).toBe('syn');
    expect(s.snSourceAck).toBe(0xffffffff);
    expect(s.uReceiveWindowSize).toBe(64);
    expect(s.uFlags).toBe(RdpUdpFlag.syn | RdpUdpFlag.correlationId | RdpUdpFlag.synEx);
    expect(s.snInitialSequenceNumber).toBe(0x0b127f15);
    expect(s.uUpStreamMtu).toBe(1232);
    expect(s.uDownStreamMtu).toBe(1232);
    expect(s.correlationId).toBe('7855d064fbaf43f0b6e8f8aadfad0000');
    expect(s.synExFlags).toBe(1);
    expect(s.version).toBe(3);
    expect(s.lossy).toBe(false);
  });

  it('every prefix: no throw, and no success before the flagged parts are complete', () => {
    for (let n = 0; n <= 56; n++) {
      const r = parseRdpUdpSyn(SYN.subarray(0, n));
      if (n < 52) expect(r).toBeNull(); // 16 + 32 (correlation) + 4 (SYNEX)
      else expect(r?.version).toBe(3);
    }
  });

  it('rejects a SYN whose snSourceAck is not -1, and datagrams without SYN', () => {
    const b = SYN.slice();
    b[0] = 0;
    expect(parseRdpUdpSyn(b)).toBeNull();
    const c = SYN.slice();
    c[7] = 0x00; // clear SYN
    expect(parseRdpUdpSyn(c)).toBeNull();
  });

  it('decoder: malformed / random datagrams never throw and are only counted', () => {
    const ev: (RdpUdpEvent | DecodeIssue)[] = [];
    const d = new RdpUdpDecoder((e) => ev.push(e));
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
    for (let k = 0; k < 200; k++) {
      const b = new Uint8Array(rnd() * 5);
      for (let i = 0; i < b.length; i++) b[i] = rnd();
      d.datagram((k & 1) as 0 | 1, b, { frame: k + 1, ts: k });
    }
    // A 1232-byte datagram with SYN set but snSourceAck != -1 and no ACK: not a SYN.
    const fake = SYN.slice();
    fake[0] = 1;
    d.datagram(0, fake, { frame: 999, ts: 0 });
    d.end({ frame: 1000, ts: 0 });
    expect(ev.filter((e) => e.type === 'rdpudp.syn' || e.type === 'rdpudp.synack')).toHaveLength(0);
    const sum = ev.find((e) => e.type === 'rdpudp.summary');
    expect(sum && 'datagrams' in sum ? sum.datagrams[0] + sum.datagrams[1] : 0).toBe(201);
  });

  it('UDP 3391 is reported as the gateway side channel', () => {
    const ev: RdpUdpEvent[] = [];
    const d = new RdpUdpDecoder((e) => ev.push(e as RdpUdpEvent), { serverPort: 3391 });
    // DTLS 1.2 ClientHello record header (hand-built: type 22, version fefd, epoch 0, seq 0, length 0).
    d.datagram(0, fromHex('16fefd000000000000000000000000'), { frame: 1, ts: 0 });
    expect(ev[0]).toMatchObject({ type: 'rdpudp.datagram', channel: 'gateway', dtls: true });
  });
});

const haveCorpus = existsSync(PUBLIC) && existsSync(TSHARK);
describe.skipIf(!haveCorpus)('RDP-UDP SYN/SYN+ACK against tshark rdpudp', () => {
  if (!haveCorpus) it.skip('shared captures or tshark missing', () => {});
  const tf = (file: string, filter: string, fields: string[]) =>
    execFileSync(TSHARK, ['-r', file, '-Y', filter, '-T', 'fields', ...fields.flatMap((f) => ['-e', f])], {
      encoding: 'utf8',
      maxBuffer: 256 << 20,
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .split('\n')
      .filter((l) => l.length > 0)
      .map((l) => l.split('\t'));

  let compared = 0;
  for (const rel of CAPTURES) {
    const file = path.join(PUBLIC, rel);
    it.skipIf(!existsSync(file))(`${path.basename(rel)}: every SYN / SYN+ACK agrees with tshark`, () => {
      // Our decoder over every UDP 3389 datagram, direction from the port.
      const rows = tf(file, 'udp.port==3389 && !icmp', ['frame.number', 'frame.time_epoch', 'udp.dstport', 'udp.payload']);
      const ev: (RdpUdpEvent | DecodeIssue)[] = [];
      const dec = new RdpUdpDecoder((e) => ev.push(e));
      for (const [f, t, dport, hex] of rows) dec.datagram(dport === '3389' ? 0 : 1, fromHex(hex ?? ''), { frame: Number(f), ts: Number(t) });
      const ours = new Map<number, RdpUdpEvent>();
      for (const e of ev) if (e.type === 'rdpudp.syn' || e.type === 'rdpudp.synack') ours.set(e.frame, e);

      const oracle = tf(file, 'udp.port==3389 && rdpudp.flags.syn==1', [
        'frame.number',
        'rdpudp.snsourceack',
        'rdpudp.receivewindowsize',
        'rdpudp.flags',
        'rdpudp.initialsequencenumber',
        'rdpudp.upstreammtu',
        'rdpudp.downstreammtu',
        'rdpudp.correlationid',
        'rdpudp.synex.flags',
        'rdpudp.synex.version',
        'rdpudp.synex.cookiehash',
        'rdpudp.flags.ack',
      ]);
      expect(oracle.length).toBeGreaterThan(0);
      expect(ours.size).toBe(oracle.length);
      for (const [f, ack, win, flags, isn, up, down, corr, sxf, ver, hash, isAck] of oracle) {
        const e = ours.get(Number(f));
        expect(e, `frame ${f}`).toBeDefined();
        if (!e || (e.type !== 'rdpudp.syn' && e.type !== 'rdpudp.synack')) continue;
        expect(e.type).toBe(isAck === 'True' || isAck === '1' ? 'rdpudp.synack' : 'rdpudp.syn');
        expect(e.snSourceAck).toBe(Number(ack));
        expect(e.uReceiveWindowSize).toBe(Number(win));
        expect(e.uFlags).toBe(Number(flags));
        expect(e.snInitialSequenceNumber).toBe(Number(isn));
        expect(e.uUpStreamMtu).toBe(Number(up));
        expect(e.uDownStreamMtu).toBe(Number(down));
        expect(e.correlationId).toBe(corr ? corr.replace(/:/g, '') : undefined);
        expect(e.synExFlags).toBe(sxf ? Number(sxf) : undefined);
        expect(e.version).toBe(ver ? Number(ver) : undefined);
        expect(e.cookieHash).toBe(hash ? hash.replace(/:/g, '') : undefined);
        compared++;
      }
    });
  }
  it('compared at least the 24 handshake datagrams of the corpus', () => {
    expect(compared).toBeGreaterThanOrEqual(24);
  });
});
