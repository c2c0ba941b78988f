/**
 * Kerberos rules: error codes and frames from tshark (kerberos.error_code, kerberos.stime);
 * context-only codes (25, 52, 13) never claim a cause; RDP-related errors are high, others
 * medium at most.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AWAKE, byId, HAVE_LAB, HAVE_PUBLIC, HAVE_TSHARK, highFailures, LAB, PUBLIC, run, tshark } from './helpers.js';

const lab = (n: string): string => path.join(LAB, n);
const K = (p: string): string => path.join(PUBLIC, p);

describe.skipIf(!HAVE_LAB || !HAVE_TSHARK)('Kerberos rules on lab captures (MIT krb5kdc, kinit)', () => {
  for (const name of ['kerberos-clock-skew-tcp', 'kerberos-clock-skew-udp']) {
    const file = lab(`${name}-client.pcapng`);
    it.skipIf(!existsSync(file))(`${name}: KRB_AP_ERR_SKEW at the frame tshark shows; the KDC clock agrees with the capture, so the client clock is off`, async () => {
      const rows = tshark(file, 'kerberos.error_code==37', ['frame.number', 'frame.time_epoch', 'kerberos.stime']);
      expect(rows).toHaveLength(1);
      const r = await run(file);
      const f = byId(r, 'kerberos.clock-skew');
      expect(f).toHaveLength(1);
      expect(f[0]!.frames).toContain(Number(rows[0]![0]));
      expect(f[0]!.cause).toBe('kerberos-clock-skew');
      // no RDP in a kinit capture: medium at most
      expect(f[0]!.confidence).toBe('medium');
      const stime = Date.parse(rows[0]![2]!.replace(/^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) \(UTC\)$/, '$1-$2-$3T$4:$5:$6Z')) / 1000;
      if (Number.isFinite(stime)) expect(Math.abs((f[0]!.data['serverVsCaptureSeconds'] as number) - (stime - Number(rows[0]![1])))).toBeLessThan(1.01);
      expect(f[0]!.detail).toMatch(/client/);
      // the 25 before it is a normal step followed by a new AS-REQ: no kerberos.error for it
      expect(byId(r, 'kerberos.error').filter((x) => x.data['errorCode'] === 25)).toHaveLength(0);
    });
  }

  for (const [name, code] of [
    ['kerberos-error-preauth-failed', 24],
    ['kerberos-error-unknown-principal', 6],
  ] as const) {
    const file = lab(`${name}-client.pcapng`);
    it.skipIf(!existsSync(file))(`${name}: KRB-ERROR ${code} named, cause kerberos-error`, async () => {
      const rows = tshark(file, `kerberos.error_code==${code}`, ['frame.number']);
      expect(rows).toHaveLength(1);
      const r = await run(file);
      const f = byId(r, 'kerberos.error').filter((x) => x.data['errorCode'] === code);
      expect(f).toHaveLength(1);
      expect(f[0]!.frames).toContain(Number(rows[0]![0]));
      expect(f[0]!.cause).toBe('kerberos-error');
    });
  }

  it.skipIf(!existsSync(lab('kerberos-healthy-udp-client.pcapng')))('healthy kinit (25 then AS-REP): no finding', async () => {
    const r = await run(lab('kerberos-healthy-udp-client.pcapng'));
    expect(r.findings.filter((f) => f.id.startsWith('kerberos.'))).toHaveLength(0);
  });
});

describe.skipIf(!HAVE_PUBLIC || !HAVE_TSHARK)('Kerberos rules on the public corpus (skipped without ../shared or tshark)', () => {
  it('awakecoding rdp-nla-ntlm-rejected2: KDC_ERR_PREAUTH_FAILED next to the RDP attempt → high', async () => {
    const file = path.join(AWAKE, 'rdp-nla-ntlm-rejected2.pcapng');
    const rows = tshark(file, 'kerberos.error_code==24', ['frame.number']);
    const r = await run(file);
    const f = byId(r, 'kerberos.error');
    expect(f.map((x) => x.frames.at(-1))).toEqual(rows.map((x) => Number(x[0])));
    expect(f[0]!.confidence).toBe('high');
    expect(f[0]!.data['relatedToRdp']).toBe(true);
  });

  it('Wireshark freerdp-client-krb5.pcapng: KDC_ERR_BADOPTION while the RDP session becomes active → context, no high failure', async () => {
    const file = K('ajbanjara__Wireshark/uploads/5a3487bb74d3724d1ed7e99b31d1c3a7/ws-credssp/freerdp-client-krb5.pcapng');
    const rows = tshark(file, 'kerberos.error_code==13', ['frame.number']);
    const r = await run(file);
    const f = byId(r, 'kerberos.error').filter((x) => x.data['errorCode'] === 13);
    expect(f.map((x) => x.frames.at(-1))).toEqual(rows.map((x) => Number(x[0])));
    for (const x of f) expect(x.cause).toBeNull();
    expect(highFailures(r)).toHaveLength(0);
  });

  it('nDPI kerberos-error.pcap: RESPONSE_TOO_BIG (52) is context only', async () => {
    const file = K('ntop__nDPI/tests/cfgs/default/pcap/kerberos-error.pcap');
    const rows = tshark(file, 'kerberos.error_code', ['kerberos.error_code']);
    expect(rows.map((x) => x[0])).toEqual(['52']);
    const r = await run(file);
    for (const f of r.findings) expect(f.cause).toBeNull();
  });

  it('zeek kinit.pcap (many errors, no RDP): every code tshark shows is reported or deliberately context, none high', async () => {
    const file = K('zeek__zeek/testing/btest/Traces/krb/kinit.pcap');
    const codes = new Set(tshark(file, 'kerberos.error_code', ['kerberos.error_code']).map((x) => Number(x[0])));
    const r = await run(file);
    expect(highFailures(r)).toHaveLength(0);
    const reported = new Set(byId(r, 'kerberos.error').map((f) => f.data['errorCode'] as number));
    for (const c of reported) expect(codes.has(c)).toBe(true);
    expect(reported.has(6)).toBe(true);
  });
});
