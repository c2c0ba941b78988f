/**
 * rdp.negotiation-failure, rdp.security-mismatch, rdp.x224-no-confirm on real captures; every
 * expected code and frame comes from tshark (rdp.negFailure.failureCode, rdp.negReq.*).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AWAKE, byId, frames, HAVE_LAB, HAVE_PUBLIC, HAVE_TSHARK, LAB, PUBLIC, run, tshark } from './helpers.js';

const RDP004 = path.join(PUBLIC, 'ajbanjara__Wireshark/uploads/__moin_import__/attachments/SampleCaptures/RDP-004.pcap');

describe.skipIf(!HAVE_PUBLIC || !HAVE_TSHARK)('rdp.negotiation-failure on the public corpus (skipped without ../shared or tshark)', () => {
  it('RDP-004: SSL_NOT_ALLOWED_BY_SERVER, retried with Standard RDP Security successfully → context', async () => {
    const rows = tshark(RDP004, 'rdp.negFailure.failureCode', ['frame.number', 'rdp.negFailure.failureCode']);
    expect(rows.length).toBe(1);
    const [frame, code] = rows[0]!;
    const r = await run(RDP004);
    const f = byId(r, 'rdp.negotiation-failure');
    expect(f).toHaveLength(1);
    expect(f[0]!.frames).toContain(Number(frame));
    expect(f[0]!.data['failureCode']).toBe(Number(code));
    expect(f[0]!.data['failureName']).toBe('SSL_NOT_ALLOWED_BY_SERVER');
    // tshark: the second connection requests PROTOCOL_RDP (0) and gets a response.
    const req = tshark(RDP004, 'rdp.negReq.requestedProtocols', ['frame.number', 'rdp.negReq.requestedProtocols']);
    expect(req.map((x) => Number(x[1]))).toEqual([1, 0]);
    expect(f[0]!.data['retrySucceeded']).toBe(true);
    expect(f[0]!.cause).toBeNull();
    expect(f[0]!.detail).toMatch(/retried on a new connection .* PROTOCOL_RDP/);
  });

  it('awakecoding rdp-no-nla-rejected1: HYBRID_REQUIRED_BY_SERVER, no retry → cause rdp-negotiation-failure, high', async () => {
    const file = path.join(AWAKE, 'rdp-no-nla-rejected1.pcapng');
    const rows = tshark(file, 'rdp.negFailure.failureCode', ['frame.number', 'rdp.negFailure.failureCode']);
    const r = await run(file);
    const f = byId(r, 'rdp.negotiation-failure');
    expect(f).toHaveLength(1);
    expect(f[0]!.data['failureCode']).toBe(Number(rows[0]![1]));
    expect(f[0]!.data['failureName']).toBe('HYBRID_REQUIRED_BY_SERVER');
    expect(f[0]!.frames).toContain(Number(rows[0]![0]));
    expect(f[0]!.cause).toBe('rdp-negotiation-failure');
    expect(f[0]!.confidence).toBe('high');
    expect(f[0]!.detail).toContain('ERRCONNECT_HYBRID_REQUIRED_BY_SERVER');
  });

  it('awakecoding rdp-nla-ntlm-rejected1: the NEG_FAILURE of the fallback connection defers to the earlier CredSSP failure', async () => {
    const file = path.join(AWAKE, 'rdp-nla-ntlm-rejected1.pcapng');
    const rows = tshark(file, 'rdp.negFailure.failureCode', ['frame.number', 'rdp.negFailure.failureCode']);
    expect(rows.length).toBe(1);
    const r = await run(file);
    const f = byId(r, 'rdp.negotiation-failure');
    expect(f).toHaveLength(1);
    expect(f[0]!.frames).toContain(Number(rows[0]![0]));
    expect(f[0]!.cause).toBeNull();
    expect(f[0]!.data['fallbackAfterConnection']).not.toBeNull();
  });
});

const lab = (n: string): string => path.join(LAB, n);

describe.skipIf(!HAVE_LAB || !HAVE_TSHARK)('RDP negotiation rules on lab captures (xrdp / xfreerdp)', () => {
  it.skipIf(!existsSync(lab('rdp-negotiation-failure-hybridrequired-client.pcapng')))('hybridrequired: RDP_NEG_FAILURE 5 named, frame from tshark', async () => {
    const file = lab('rdp-negotiation-failure-hybridrequired-client.pcapng');
    const rows = tshark(file, 'rdp.negFailure.failureCode', ['frame.number', 'rdp.negFailure.failureCode']);
    const r = await run(file);
    const f = byId(r, 'rdp.negotiation-failure');
    expect(f.map((x) => x.data['failureCode'])).toEqual(rows.map((x) => Number(x[1])));
    expect(f[0]!.frames).toContain(Number(rows[0]![0]));
    expect(f[0]!.cause).toBe('rdp-negotiation-failure');
  });

  it.skipIf(!existsSync(lab('rdp-negotiation-failure-sslnotallowed-client.pcapng')))('sslnotallowed: RDP_NEG_FAILURE code and frame as tshark decodes them', async () => {
    const file = lab('rdp-negotiation-failure-sslnotallowed-client.pcapng');
    const rows = tshark(file, 'rdp.negFailure.failureCode', ['frame.number', 'rdp.negFailure.failureCode']);
    const r = await run(file);
    const f = byId(r, 'rdp.negotiation-failure');
    expect(f.map((x) => x.data['failureCode'])).toEqual(rows.map((x) => Number(x[1])));
    for (const [i, x] of f.entries()) expect(x.frames).toContain(Number(rows[i]![0]));
  });

  it.skipIf(!existsSync(lab('rdp-negotiation-failure-rdponly-client.pcapng')))('rdponly: the server selected PROTOCOL_RDP although the client requested only SSL → security-mismatch', async () => {
    const file = lab('rdp-negotiation-failure-rdponly-client.pcapng');
    const req = tshark(file, 'rdp.negReq.requestedProtocols', ['rdp.negReq.requestedProtocols']);
    const sel = tshark(file, 'rdp.negReq.selectedProtocol', ['frame.number', 'rdp.negReq.selectedProtocol']);
    if (sel.length === 0 || Number(sel[0]![1]) !== 0 || Number(req[0]![0]) === 0) return; // scenario re-staged differently
    const r = await run(file);
    const f = byId(r, 'rdp.security-mismatch');
    expect(f).toHaveLength(1);
    expect(f[0]!.data['variant']).toBe('not-offered');
    expect(f[0]!.data['requestedProtocols']).toBe(Number(req[0]![0]));
    expect(f[0]!.frames).toContain(Number(sel[0]![0]));
    // tshark: the first FIN comes from the client right after the CC.
    const fin = tshark(file, 'tcp.flags.fin==1', ['frame.number', 'ip.src']);
    expect(f[0]!.frames).toContain(Number(fin[0]![0]));
    expect(fin[0]![1]).toBe(r.ctx.conns[0]!.conn.client.ip);
  });

  it.skipIf(!existsSync(lab('rdp-negotiation-failure-nlaonly-client.pcapng')))('nlaonly: the client closes without a ClientHello after the server picked SSL → inferred client-refused, medium', async () => {
    const file = lab('rdp-negotiation-failure-nlaonly-client.pcapng');
    const sel = tshark(file, 'rdp.negReq.selectedProtocol', ['rdp.negReq.selectedProtocol']);
    const hello = frames(file, 'tls.handshake.type==1');
    if (hello.length > 0 || sel.length === 0) return;
    const r = await run(file);
    const f = byId(r, 'rdp.security-mismatch');
    expect(f).toHaveLength(1);
    expect(f[0]!.data['variant']).toBe('client-refused');
    expect(f[0]!.data['selectedProtocol']).toBe(Number(sel[0]![0]));
    expect(f[0]!.confidence).toBe('medium');
    // The server's later alert is a reaction to the client's close: no TLS cause.
    for (const a of byId(r, 'tls.alert')) expect(a.cause).toBeNull();
  });

  it.skipIf(!existsSync(lab('middlebox-reset-cookie-client.pcapng')))('middlebox-reset-cookie: X.224 CR without CC → x224-no-confirm (context), CR frames from tshark', async () => {
    const file = lab('middlebox-reset-cookie-client.pcapng');
    const cr = frames(file, 'cotp.type==0x0e');
    const cc = frames(file, 'cotp.type==0x0d');
    expect(cc).toHaveLength(0);
    const r = await run(file);
    const f = byId(r, 'rdp.x224-no-confirm');
    expect(f.length).toBe(cr.length);
    for (const x of f) {
      expect(x.cause).toBeNull();
      expect(cr.some((c) => x.frames.includes(c))).toBe(true);
    }
  });

  it.skipIf(!existsSync(lab('healthy-xrdp-tls12-client.pcapng')))('healthy TLS connection: no negotiation finding', async () => {
    const file = lab('healthy-xrdp-tls12-client.pcapng');
    const r = await run(file);
    expect(byId(r, 'rdp.negotiation-failure')).toHaveLength(0);
    expect(byId(r, 'rdp.security-mismatch')).toHaveLength(0);
    expect(byId(r, 'rdp.x224-no-confirm')).toHaveLength(0);
  });
});
