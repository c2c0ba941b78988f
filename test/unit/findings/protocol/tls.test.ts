/**
 * TLS rules on real captures: alerts and their senders from tshark (tls.alert_message.desc,
 * ip.src), ClientHello versions (tls.handshake.extensions.supported_version), RST TTLs (ip.ttl)
 * compared with the SYN-ACK, certificates (x509 validity) and the client's close.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { byId, frames, HAVE_LAB, HAVE_PUBLIC, HAVE_TSHARK, keylogOpt, LAB, PUBLIC, run, TLS3389, tshark } from './helpers.js';

const TLS_ALERT = path.join(PUBLIC, 'ntop__nDPI/tests/cfgs/default/pcap/tls_alert.pcap');
const TLSBROKEN = path.join(PUBLIC, 'packetpioneer__youtube/tlsbroken.pcapng');
const lab = (n: string): string => path.join(LAB, n);

describe.skipIf(!HAVE_PUBLIC || !HAVE_TSHARK)('tls.version-mismatch on the public TLS captures (skipped without ../shared or tshark)', () => {
  it('tls_alert.pcap: protocol_version alert from the server after a TLS 1.0 ClientHello; non-RDP → medium', async () => {
    const alerts = tshark(TLS_ALERT, 'tls.alert_message.desc==70', ['frame.number', 'ip.src']);
    const hello = tshark(TLS_ALERT, 'tls.handshake.type==1', ['frame.number', 'tls.handshake.version']);
    expect(alerts).toHaveLength(1);
    const r = await run(TLS_ALERT);
    const f = byId(r, 'tls.version-mismatch');
    expect(f).toHaveLength(1);
    expect(f[0]!.frames).toEqual([Number(hello[0]![0]), Number(alerts[0]![0])]);
    expect(f[0]!.data['alertFrom']).toBe(alerts[0]![1] === r.ctx.conns.find((v) => v.conn.id === f[0]!.connection)!.conn.server.ip ? 'server' : 'client');
    expect(f[0]!.confidence).toBe('medium');
    expect(f[0]!.cause).toBe('tls-version-mismatch');
    expect(byId(r, 'tls.alert').filter((a) => a.data['alert'] === 70)).toHaveLength(0);
  });

  it('tlsbroken.pcapng: four connections, each refused with protocol_version by the sender tshark shows', async () => {
    const alerts = tshark(TLSBROKEN, 'tls.alert_message.desc==70', ['frame.number', 'ip.src']);
    const r = await run(TLSBROKEN);
    const f = byId(r, 'tls.version-mismatch');
    expect(f.map((x) => x.frames[x.frames.length - 1])).toEqual(alerts.map((a) => Number(a[0])));
    for (const [i, x] of f.entries()) {
      const v = r.ctx.conns.find((c) => c.conn.id === x.connection)!;
      expect(x.data['alertFrom']).toBe(alerts[i]![1] === v.conn.client.ip ? 'client' : 'server');
      expect(x.confidence).not.toBe('high');
    }
  });
});

describe.skipIf(!HAVE_LAB || !HAVE_TSHARK)('TLS rules on lab captures', () => {
  it.skipIf(!existsSync(lab('tls-handshake-failure-nocipher-client.pcapng')))('nocipher: fatal handshake_failure (40) from the server → tls.alert, tls-handshake-failure, high', async () => {
    const file = lab('tls-handshake-failure-nocipher-client.pcapng');
    const a = tshark(file, 'tls.alert_message', ['frame.number', 'tls.alert_message.level', 'tls.alert_message.desc', 'ip.src'], TLS3389);
    const r = await run(file);
    const f = byId(r, 'tls.alert');
    expect(f).toHaveLength(a.length);
    expect(f[0]!.frames).toContain(Number(a[0]![0]));
    expect(f[0]!.data['alert']).toBe(Number(a[0]![2]));
    expect(f[0]!.data['level']).toBe(Number(a[0]![1]));
    expect(f[0]!.data['from']).toBe(a[0]![3] === r.ctx.conns[0]!.conn.server.ip ? 'server' : 'client');
    expect(f[0]!.cause).toBe('tls-handshake-failure');
    expect(f[0]!.confidence).toBe('high');
    // tshark: the ClientHello's cipher suite count is in the detail.
    const suites = tshark(file, 'tls.handshake.type==1', ['tls.handshake.cipher_suites_length'], TLS3389);
    expect(f[0]!.data['offeredSuites']).toBe(Number(suites[0]![0]) / 2);
  });

  for (const name of ['tls-version-mismatch-srv12-cli13', 'tls-version-mismatch-srv13-cli12']) {
    it.skipIf(!existsSync(lab(`${name}-client.pcapng`)))(`${name}: whatever tshark shows (alert 70 or a completed handshake) is what the rule reports`, async () => {
      const file = lab(`${name}-client.pcapng`);
      const a70 = tshark(file, 'tls.alert_message.desc==70', ['frame.number', 'ip.src'], TLS3389);
      const r = await run(file);
      const f = byId(r, 'tls.version-mismatch');
      expect(f.length).toBe(a70.length);
      if (a70.length) {
        expect(f[0]!.frames).toContain(Number(a70[0]![0]));
        expect(f[0]!.confidence).toBe('high');
      }
    });
  }

  it.skipIf(!existsSync(lab('server-reset-clienthello-client.pcapng')))('server-reset-clienthello: RST with the SYN-ACK\'s TTL after the ClientHello → server-closed-after-clienthello (low: a host firewall looks the same)', async () => {
    const file = lab('server-reset-clienthello-client.pcapng');
    const ch = frames(file, 'tls.handshake.type==1', TLS3389);
    const rst = tshark(file, 'tcp.flags.reset==1', ['frame.number', 'ip.ttl']);
    const synack = tshark(file, 'tcp.flags.syn==1 && tcp.flags.ack==1', ['ip.ttl']);
    expect(rst[0]![1]).toBe(synack[0]![0]);
    const r = await run(file);
    const f = byId(r, 'tls.server-closed-after-clienthello');
    expect(f).toHaveLength(1);
    expect(f[0]!.frames).toEqual([ch[0], Number(rst[0]![0])]);
    expect(f[0]!.data['ttl']).toBe(Number(rst[0]![1]));
    expect(f[0]!.confidence).toBe('low');
    expect(f[0]!.detail).toMatch(/UNVERIFIED/);
  });

  it.skipIf(!existsSync(lab('middlebox-reset-clienthello-client.pcapng')))('middlebox-reset-clienthello: RST TTL differs from the SYN-ACK → not claimed as the server\'s own close', async () => {
    const file = lab('middlebox-reset-clienthello-client.pcapng');
    const rst = tshark(file, 'tcp.flags.reset==1', ['ip.ttl']);
    const synack = tshark(file, 'tcp.flags.syn==1 && tcp.flags.ack==1', ['ip.ttl']);
    expect(rst[0]![0]).not.toBe(synack[0]![0]);
    const r = await run(file);
    expect(byId(r, 'tls.server-closed-after-clienthello')).toHaveLength(0);
  });

  it.skipIf(!existsSync(lab('tls-handshake-failure-untrusted.keylog')))('untrusted: handshake completes, the client closes without application data → certificate-problem (self-signed), medium', async () => {
    const file = lab('tls-handshake-failure-untrusted-client.pcapng');
    const keylog = lab('tls-handshake-failure-untrusted.keylog');
    const cert = tshark(file, 'tls.handshake.type==11', ['x509sat.printableString', 'x509af.utcTime'], [...TLS3389, ...keylogOpt(keylog)]);
    const closeNotify = tshark(file, 'tls.alert_message.desc==0', ['frame.number', 'ip.src'], [...TLS3389, ...keylogOpt(keylog)]);
    const r = await run(file, [keylog]);
    const f = byId(r, 'tls.certificate-problem');
    expect(f).toHaveLength(1);
    expect(f[0]!.cause).toBe('tls-handshake-failure');
    expect(f[0]!.data['selfSigned']).toBe(true);
    expect(f[0]!.data['clientClosedAfterHandshake']).toBe(true);
    expect(cert.length).toBeGreaterThan(0);
    const subjectCn = cert[0]![0]!.split(',')[0]!;
    expect(f[0]!.detail).toContain(subjectCn);
    const clientClose = closeNotify.find((x) => x[1] === r.ctx.conns[0]!.conn.client.ip);
    expect(f[0]!.frames).toContain(Number(clientClose![0]));
  });

  it('healthy sessions: TLS alerts sent after the client quit are context, no TLS failure cause', async () => {
    for (const name of ['healthy-xrdp-tls12', 'healthy-xrdp-tls13', 'healthy-lightloss-2pct']) {
      const file = lab(`${name}-client.pcapng`);
      if (!existsSync(file)) continue;
      const r = await run(file);
      for (const f of r.findings.filter((x) => x.id.startsWith('tls.'))) expect(f.cause).toBeNull();
    }
  });
});
