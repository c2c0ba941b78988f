/**
 * Server refusal rules: Set Error Info frames from tshark (rdp.pduType2 == 47 after decryption
 * with the embedded secrets; the errorInfo value read from tshark's decrypted bytes), DPUs, and
 * the FreeRDP-server refusal without reason in the lab.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AWAKE, byId, frames, HAVE_LAB, HAVE_PUBLIC, HAVE_TSHARK, keylogOpt, LAB, run, TLS3389, TSHARK, tshark } from './helpers.js';

const lab = (n: string): string => path.join(LAB, n);

/** errorInfo of a Set Error Info frame: the last 4 bytes (LE) of tshark's "Decrypted TLS" dump. */
function errorInfoAt(file: string, frame: number): number {
  const out = execFileSync(TSHARK, ['-r', file, ...TLS3389, '-Y', `frame.number==${frame}`, '-x'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const after = out.split(/Decrypted TLS \(\d+ bytes\):\n/)[1]!.split('\n');
  const lines: string[] = [];
  for (const l of after) {
    if (!/^[0-9a-f]{4}  /.test(l)) break;
    lines.push(l);
  }
  const bytes = lines
    .flatMap((l) => l.slice(6, 54).trim().split(/\s+/))
    .filter((b) => /^[0-9a-f]{2}$/.test(b))
    .map((b) => parseInt(b, 16));
  const n = bytes.length;
  return (bytes[n - 4]! | (bytes[n - 3]! << 8) | (bytes[n - 2]! << 16) | (bytes[n - 1]! << 24)) >>> 0;
}

describe.skipIf(!HAVE_PUBLIC || !HAVE_TSHARK)('server.set-error-info / server.dpu on awakecoding captures (skipped without ../shared or tshark)', () => {
  for (const [name, expected] of [
    ['rdp-credential-guard-accepted1', 0x0c],
    ['rdp-restricted-admin-rejected1', 0x0b],
    ['rdp-no-nla-accepted1', 0x0b],
  ] as const) {
    it(`${name}: Set Error Info ${expected} at the frame tshark shows, a normal end → context`, async () => {
      const file = path.join(AWAKE, `${name}.pcapng`);
      // tshark: every Set Error Info PDU and its value; ERRINFO_NONE (0) ones are not reported
      const sei = frames(file, 'rdp.pduType2==47', TLS3389).map((fr) => ({ fr, value: errorInfoAt(file, fr) })).filter((x) => x.value !== 0);
      expect(sei).toHaveLength(1);
      expect(sei[0]!.value).toBe(expected);
      const r = await run(file);
      const f = byId(r, 'server.set-error-info');
      expect(f).toHaveLength(1);
      expect(f[0]!.frames[0]).toBe(sei[0]!.fr);
      expect(f[0]!.data['errorInfo']).toBe(expected);
      expect(f[0]!.cause).toBeNull();
      // the DPU that follows a stated reason is not reported on its own
      expect(byId(r, 'server.dpu')).toHaveLength(0);
      expect(byId(r, 'server.closed-without-reason')).toHaveLength(0);
    });
  }

  it('rdp-no-tls-accepted1 (Standard RDP Security): the server DPU after an active session is context', async () => {
    const file = path.join(AWAKE, 'rdp-no-tls-accepted1.pcapng');
    const r = await run(file);
    const f = byId(r, 'server.dpu');
    expect(f).toHaveLength(1);
    expect(f[0]!.cause).toBeNull();
    // tshark: the server's last PDU on that connection is 9 bytes (TPKT+X.224+DPU), from the server
    const last = execFileSync(TSHARK, ['-r', file, '-Y', `frame.number==${f[0]!.frames[0]}`, '-T', 'fields', '-e', 'tcp.len', '-e', 'tcp.srcport'], { encoding: 'utf8' }).trim().split('\t');
    expect(last).toEqual(['9', '3389']);
  });
});

describe.skipIf(!HAVE_LAB || !HAVE_TSHARK)('server rules on lab captures', () => {
  const file = lab('server-denied-shadow-auth-client.pcapng');
  const keylog = lab('server-denied-shadow-auth.keylog');
  it.skipIf(!existsSync(file) || !existsSync(keylog))('server-denied-shadow-auth: FreeRDP shadow server drops the session after activation without SEI/DPU → closed-without-reason, not healthy', async () => {
    const kl = [...TLS3389, ...keylogOpt(keylog)];
    expect(frames(file, 'rdp.pduType2==47', kl)).toHaveLength(0);
    const fin = tshark(file, 'tcp.flags.fin==1', ['frame.number', 'tcp.srcport'])[0]!;
    const r = await run(file, [keylog]);
    const f = byId(r, 'server.closed-without-reason');
    if (fin[1] !== '3389') return; // re-staged: the client closed first
    expect(f).toHaveLength(1);
    expect(f[0]!.frames).toContain(Number(fin[0]));
    expect(f[0]!.cause).toBe('server-denied');
    expect(f[0]!.confidence).toBe('low');
    expect(byId(r, 'healthy.session-active')).toHaveLength(0);
  });

  const tlsonly = lab('rdp-negotiation-failure-tlsonly-client.pcapng');
  it.skipIf(!existsSync(tlsonly))('tlsonly: bare CC then a server DPU before activation → server.dpu, server-denied, medium', async () => {
    const dpus = tshark(tlsonly, 'tcp.len==9 && tcp.srcport==3389', ['frame.number']);
    const r = await run(tlsonly);
    const f = byId(r, 'server.dpu');
    expect(f.map((x) => x.frames[0])).toEqual(dpus.map((x) => Number(x[0])));
    for (const x of f) {
      expect(x.cause).toBe('server-denied');
      expect(x.confidence).toBe('medium');
    }
  });

  for (const name of ['healthy-xrdp-tls12', 'healthy-xrdp-tls13', 'healthy-shadow-nla']) {
    const f = lab(`${name}-client.pcapng`);
    it.skipIf(!existsSync(f))(`${name} without keys: no size-signature refusal, no server finding`, async () => {
      const r = await run(f);
      expect(r.findings.filter((x) => x.id.startsWith('server.'))).toHaveLength(0);
    });
  }
});
