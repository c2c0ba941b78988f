/**
 * CredSSP rules: errorCode values from tshark (credssp.errorCode, TLS decrypted with the secrets
 * embedded in the awakecoding captures or the lab key logs); the inferred failure from record
 * directions/sizes (tls.record.length) with and without keys.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AWAKE, byId, frames, HAVE_LAB, HAVE_PUBLIC, HAVE_TSHARK, keylogOpt, LAB, run, TLS3389, tshark } from './helpers.js';

const lab = (n: string): string => path.join(LAB, n);

describe.skipIf(!HAVE_PUBLIC || !HAVE_TSHARK)('credssp.error on awakecoding captures (skipped without ../shared or tshark)', () => {
  for (const [name, expectedName] of [
    ['rdp-nla-ntlm-rejected1', 'SEC_E_UNSUPPORTED_FUNCTION'],
    ['rdp-nla-ntlm-rejected2', 'STATUS_ACCOUNT_RESTRICTION'],
  ] as const) {
    it(`${name}: errorCode and frame as tshark decodes them, named ${expectedName}`, async () => {
      const file = path.join(AWAKE, `${name}.pcapng`);
      const rows = tshark(file, 'credssp.errorCode', ['frame.number', 'credssp.errorCode', 'ip.src'], TLS3389);
      expect(rows).toHaveLength(1);
      const code = Number(rows[0]![1]) >>> 0; // tshark prints the INTEGER signed
      const r = await run(file);
      const f = byId(r, 'credssp.error');
      expect(f).toHaveLength(1);
      expect(f[0]!.data['errorCode']).toBe(code);
      expect(f[0]!.data['errorName']).toBe(expectedName);
      expect(f[0]!.frames).toContain(Number(rows[0]![0]));
      const v = r.ctx.conns.find((c) => c.conn.id === f[0]!.connection)!;
      expect(f[0]!.data['from']).toBe(rows[0]![2] === v.conn.server.ip ? 'server' : 'client');
      expect(f[0]!.cause).toBe('credssp-auth-failure');
      expect(f[0]!.confidence).toBe('high');
      // No inferred failure when the error code is known.
      expect(byId(r, 'credssp.inferred-failure')).toHaveLength(0);
    });
  }

  it('accepted NLA sessions: no CredSSP finding', async () => {
    for (const name of ['rdp-nla-kerberos-auth1', 'rdp-credential-guard-accepted1', 'rdp-restricted-admin-accepted1']) {
      const r = await run(path.join(AWAKE, `${name}.pcapng`));
      expect(r.findings.filter((f) => f.id.startsWith('credssp.'))).toHaveLength(0);
    }
  });
});

describe.skipIf(!HAVE_LAB || !HAVE_TSHARK)('credssp.inferred-failure on lab captures (FreeRDP server rejecting NTLM without errorCode)', () => {
  for (const scen of ['credssp-auth-failure-wrongpass', 'credssp-auth-failure-unknownuser']) {
    const file = lab(`${scen}-client.pcapng`);
    const keylog = lab(`${scen}.keylog`);
    it.skipIf(!existsSync(file) || !existsSync(keylog))(`${scen} with keys: server closed right after the NTLM AUTHENTICATE, no errorCode → medium`, async () => {
      const kl = [...TLS3389, ...keylogOpt(keylog)];
      expect(frames(file, 'credssp.errorCode', kl)).toHaveLength(0);
      const auth = frames(file, 'ntlmssp.messagetype==3', kl);
      const syn = frames(file, 'tcp.flags.syn==1 && tcp.flags.ack==0');
      const r = await run(file, [keylog]);
      const f = byId(r, 'credssp.inferred-failure');
      // one per connection tshark shows, each naming that connection's AUTHENTICATE frame
      expect(f).toHaveLength(syn.length);
      for (const [i, x] of f.entries()) {
        expect(x.data['decrypted']).toBe(true);
        expect(x.data['lastNtlm']).toBe('AUTHENTICATE');
        expect(x.frames).toContain(auth[i]);
        expect(x.confidence).toBe('medium');
        expect(x.cause).toBe('credssp-auth-failure');
      }
    });
    it.skipIf(!existsSync(file))(`${scen} without keys: unanswered large client record then server close → inferred, not high`, async () => {
      const r = await run(file);
      const f = byId(r, 'credssp.inferred-failure');
      expect(f.length).toBeGreaterThan(0);
      for (const x of f) {
        expect(x.data['decrypted']).toBe(false);
        expect(x.confidence).not.toBe('high');
        // the client's last record length is one tshark reports for that frame
        const last = (x.data['clientRecords'] as number[]).at(-1)!;
        const lens = tshark(file, `frame.number==${x.frames[1]}`, ['tls.record.length'], TLS3389)[0]![0]!.split(',').map(Number);
        expect(lens).toContain(last);
      }
    });
  }

  it.skipIf(!existsSync(lab('healthy-shadow-nla-client.pcapng')))('healthy NLA (keys and no keys): no CredSSP finding', async () => {
    const file = lab('healthy-shadow-nla-client.pcapng');
    const keylog = lab('healthy-shadow-nla.keylog');
    for (const r of [await run(file), ...(existsSync(keylog) ? [await run(file, [keylog])] : [])]) expect(r.findings.filter((f) => f.id.startsWith('credssp.'))).toHaveLength(0);
  });
});
