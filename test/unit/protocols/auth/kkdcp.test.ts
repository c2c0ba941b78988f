/**
 * MS-KKDCP KDC-PROXY-MESSAGE: hand-built (MS-KKDCP 2.2.2) and the real /KdcProxy POST bodies of
 * an RD Gateway capture. tshark 4.0 has no KKDCP dissector, so the oracle is tshark's
 * Kerberos dissector run on the unwrapped kerb-message (with its 4-byte prefix) written to a
 * TCP/88 pcap by text2pcap.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DecodeIssue } from '../../../../src/core/issues.js';
import type { KkdcpMessageEvent, KrbEvent } from '../../../../src/protocols/kerberos/events.js';
import { decodeKdcProxyBody, parseKdcProxyMessage } from '../../../../src/protocols/kerberos/kkdcp.js';
import { asReq, ctx, gstr, int, octets, record, seq } from './build.js';
import { canOracle, cap, fields, hexToBytes, tsharkKerberos } from './oracle.js';
import { type Agreement, compare } from './krb-compare.js';

describe('KDC-PROXY-MESSAGE (hand-built)', () => {
  const body = seq(ctx(0, octets(record(asReq()))), ctx(1, gstr('EXAMPLE.COM')), ctx(2, int(0)));
  it('unwraps the length-prefixed kerb-message, target-domain and dclocator-hint', () => {
    const r = parseKdcProxyMessage(body);
    expect(r.ok && { d: r.value.targetDomain, h: r.value.dclocatorHint, t: r.value.message?.msgType }).toEqual({ d: 'EXAMPLE.COM', h: 0, t: 10 });
    const out: (KrbEvent | KkdcpMessageEvent | DecodeIssue)[] = [];
    expect(decodeKdcProxyBody(0, body, { frame: 3, ts: 1, decrypted: true }, (e) => out.push(e))).toBe(true);
    expect(out.map((e) => e.type)).toEqual(['krb.kkdcp', 'krb.as_req']);
    expect(out[1]).toMatchObject({ carrier: 'kkdcp', decrypted: true, realm: 'EXAMPLE.COM' });
  });
  it('every prefix and a wrong length prefix are rejected without throwing', () => {
    for (let n = 0; n < body.length; n++) expect(parseKdcProxyMessage(body.subarray(0, n)).ok).toBe(false);
    const wrong = seq(ctx(0, octets([0, 0, 0, 9], asReq())));
    expect(parseKdcProxyMessage(wrong)).toMatchObject({ ok: false });
    const out: unknown[] = [];
    expect(decodeKdcProxyBody(0, Uint8Array.from([1, 2, 3]), { frame: 1, ts: 0 }, (e) => out.push(e))).toBe(false);
    expect(out).toHaveLength(1);
  });
});

describe.skipIf(!canOracle || !existsSync('/usr/bin/text2pcap'))('RD Gateway /KdcProxy bodies (corpus)', () => {
  it('inner Kerberos messages agree with tshark', () => {
    const file = cap('awakecoding__wireshark-rdp/captures/rdp-rdg-same-creds-kerberos-password-success1.pcapng');
    const rows = fields(file, 'http2.data.data', ['frame.number', 'http2.data.data']);
    const dir = mkdtempSync(path.join(tmpdir(), 'kkdcp-'));
    try {
      const mine = new Map<number, KrbEvent[]>();
      let hex = '';
      let n = 0;
      for (const [frame, data] of rows) {
        const body = hexToBytes(data!.split(',')[0]!);
        const evs: KrbEvent[] = [];
        const ok = decodeKdcProxyBody(0, body, { frame: Number(frame), ts: 0 }, (e) => {
          if (e.type.startsWith('krb.') && e.type !== 'krb.kkdcp') evs.push(e as KrbEvent);
        });
        if (!ok) continue;
        const r = parseKdcProxyMessage(body);
        if (!r.ok) continue;
        n++;
        mine.set(n, evs);
        // One text2pcap packet per message: the kerb-message with its 4-byte prefix = Kerberos/TCP.
        const rec = record(r.value.kerbMessage);
        for (let o = 0; o < rec.length; o += 16) hex += `${o.toString(16).padStart(6, '0')} ${Buffer.from(rec.subarray(o, o + 16)).toString('hex').replace(/(..)/g, '$1 ')}\n`;
      }
      writeFileSync(path.join(dir, 'in.txt'), hex);
      execFileSync('/usr/bin/text2pcap', ['-q', '-T', '50000,88', path.join(dir, 'in.txt'), path.join(dir, 'out.pcap')]);
      const theirs = tsharkKerberos(path.join(dir, 'out.pcap'), 'kerberos');
      const acc: Agreement = { messages: 0, fieldsCompared: 0, rejectedByBoth: 0, mismatches: [] };
      compare('kkdcp', theirs, mine, acc);
      console.log(`KKDCP corpus: ${n} KDC-PROXY-MESSAGEs, ${acc.messages} inner messages vs tshark, ${acc.fieldsCompared} fields, ${acc.mismatches.length} mismatches`);
      expect(n).toBeGreaterThanOrEqual(6);
      expect(acc.messages).toBe(n);
      expect(acc.mismatches).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
