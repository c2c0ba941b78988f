/**
 * RD Gateway rules: HTTP status codes and reasons from tshark with the outer TLS decrypted
 * (lab key logs; awakecoding embedded secrets), TCP-level failures from tcp flags, and the inner
 * RDP outcome of the awakecoding gateway sessions.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AWAKE, byId, frames, HAVE_LAB, HAVE_PUBLIC, HAVE_TSHARK, highFailures, keylogOpt, LAB, run, tshark } from './helpers.js';

const lab = (n: string): string => path.join(LAB, n);
const TLS443 = ['-d', 'tcp.port==443,tls'];

describe.skipIf(!HAVE_LAB || !HAVE_TSHARK)('gateway rules on lab captures (nginx gateway stand-in, xfreerdp /g:)', () => {
  for (const scen of ['gateway-auth-failure-401', 'gateway-denied-403', 'gateway-denied-503', 'gateway-unreachable-closed']) {
    const file = lab(`${scen}-client.pcapng`);
    const keylog = lab(`${scen}.keylog`);
    it.skipIf(!existsSync(file))(`${scen}: the finding follows the HTTP status tshark decrypts`, async () => {
      const keyed = existsSync(keylog);
      const http = keyed ? tshark(file, 'http.response.code', ['frame.number', 'http.response.code', 'http.response.phrase'], [...TLS443, ...keylogOpt(keylog)]) : [];
      const syn = frames(file, 'tcp.flags.syn==1 && tcp.flags.ack==0');
      const synack = frames(file, 'tcp.flags.syn==1 && tcp.flags.ack==1');
      const r = await run(file, keyed ? [keylog] : []);
      if (synack.length === 0) {
        expect(syn.length).toBeGreaterThan(0);
        expect(byId(r, 'gateway.unreachable')).toHaveLength(1);
        return;
      }
      const last = http.at(-1);
      if (!last) {
        // no HTTP answer at all: the gateway closed after the request
        expect(byId(r, 'gateway.reset-after-request').length + byId(r, 'gateway.unreachable').length).toBeGreaterThan(0);
        return;
      }
      const status = Number(last[1]);
      if (status === 401) {
        const f = byId(r, 'gateway.http-auth-failed');
        expect(f).toHaveLength(1);
        expect(f[0]!.frames).toContain(Number(last[0]));
        expect(f[0]!.data['legs']).toBe(http.filter((h) => h[1] === '401').length);
        expect(f[0]!.cause).toBe('gateway-auth-failure');
        expect(f[0]!.confidence).toBe('high');
      } else {
        const f = byId(r, 'gateway.http-error');
        expect(f).toHaveLength(1);
        expect(f[0]!.data['status']).toBe(status);
        expect(f[0]!.frames).toEqual([Number(last[0])]);
        expect(f[0]!.cause).toBe('gateway-denied');
        expect(f[0]!.title).toContain(String(status));
      }
    });
  }

  it.skipIf(!existsSync(lab('gateway-unreachable-drop-client.pcapng')))('gateway-unreachable-drop: SYNs to 443 unanswered (tshark) → gateway.unreachable, not high (gateway only assumed)', async () => {
    const file = lab('gateway-unreachable-drop-client.pcapng');
    const syn = tshark(file, 'tcp.flags.syn==1 && tcp.flags.ack==0 && tcp.dstport==443', ['frame.number']);
    expect(frames(file, 'tcp.flags.syn==1 && tcp.flags.ack==1 && tcp.srcport==443')).toHaveLength(0);
    const r = await run(file);
    const f = byId(r, 'gateway.unreachable');
    expect(f).toHaveLength(1);
    expect(f[0]!.frames).toEqual(syn.map((x) => Number(x[0])));
    expect(f[0]!.confidence).toBe('medium');
    expect(f[0]!.data['stage']).toBe('tcp');
  });
});

describe.skipIf(!HAVE_PUBLIC || !HAVE_TSHARK)('gateway rules on awakecoding captures (skipped without ../shared or tshark)', () => {
  it('rdp-rdg-no-kdc-proxy-ntlm-downgrade-failure: two 401 legs, the last "User Account Restricted" → http-auth-failed', async () => {
    const file = path.join(AWAKE, 'rdp-rdg-no-kdc-proxy-ntlm-downgrade-failure.pcapng');
    const http = tshark(file, 'http.response.code', ['frame.number', 'http.response.code', 'http.response.phrase'], TLS443);
    const r = await run(file);
    const f = byId(r, 'gateway.http-auth-failed');
    expect(f).toHaveLength(1);
    const last = http.at(-1)!;
    expect(last[1]).toBe('401');
    expect(f[0]!.data['lastReason']).toBe(last[2]);
    expect(f[0]!.data['legs']).toBe(http.filter((h) => h[1] === '401').length);
    expect(f[0]!.frames).toContain(Number(last[0]));
  });

  const success = existsSync(AWAKE) ? readdirSync(AWAKE).filter((n) => /^rdp-rdg-.*(success|diff-creds)/.test(n)) : [];
  it.each(success)('%s: tunnel OK (101 + RDG statuses 0), inner RDP active → inner-outcome context, no gateway failure', async (name) => {
    const file = path.join(AWAKE, name);
    const http = tshark(file, 'http.response.code', ['http.response.code'], TLS443).map((x) => x[0]);
    expect(http).toContain('101');
    const r = await run(file);
    expect(r.findings.filter((f) => f.id.startsWith('gateway.') && f.cause !== null)).toHaveLength(0);
    const inner = byId(r, 'gateway.inner-outcome');
    expect(inner).toHaveLength(1);
    expect(inner[0]!.data['active']).toBe(true);
    expect(highFailures(r)).toHaveLength(0);
  });
});
