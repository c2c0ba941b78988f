/**
 * The GSS Kerberos scanner finds a KRB-ERROR embedded in another protocol's byte stream
 * whatever the segment boundaries. The KRB-ERROR bytes come from the lab's real krb5kdc (the KRB_AP_ERR_SKEW record, error 37)
 * clock-skew capture (TCP 88 payload after the 4-byte record mark, read with tshark).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GssKerberosScanner } from '../../../../src/protocols/kerberos/gss-scanner.js';
import { HAVE_TSHARK, REPO, TSHARK } from '../../../helpers/shared.js';

const CAP = join(REPO, 'captures', 'lab', 'kerberos-clock-skew-tcp-client.pcapng');

function krbError(): Uint8Array {
  const out = execFileSync(TSHARK, ['-r', CAP, '-Y', 'kerberos.error_code == 37', '-T', 'fields', '-e', 'tcp.payload'], { encoding: 'utf8' });
  const hex = out.split('\n')[0]!.replace(/:/g, '').trim();
  return Uint8Array.from(Buffer.from(hex, 'hex')).subarray(4); // drop the TCP record mark
}

function run(stream: Uint8Array, splits: number[]): { type: string; errorCode?: number }[] {
  const events: { type: string; errorCode?: number }[] = [];
  const s = new GssKerberosScanner((e) => events.push(e as { type: string; errorCode?: number }));
  let prev = 0;
  for (const at of [...splits, stream.length]) {
    s.push(0, stream.subarray(prev, at), { frame: 1, ts: 1 });
    prev = at;
  }
  return events;
}

describe.skipIf(!HAVE_TSHARK || !existsSync(CAP))('GSS Kerberos scanner', () => {
  const err = krbError();
  // An SMB-like wrapper: filler before and after, with a stray 0x7e in the filler.
  const stream = new Uint8Array(300 + err.length + 200);
  for (let i = 0; i < stream.length; i++) stream[i] = (i * 37) & 0xff;
  stream[17] = 0x7e;
  stream.set(err, 300);

  it('finds the KRB-ERROR (code 37) in one chunk', () => {
    const ev = run(stream, []);
    expect(ev.map((e) => [e.type, e.errorCode])).toEqual([['krb.error', 37]]);
  });

  it('finds it exactly once whatever the split point', () => {
    for (let at = 1; at < stream.length; at += 3) {
      const ev = run(stream, [at]);
      expect(ev.map((e) => [e.type, e.errorCode]), `split at ${at}`).toEqual([['krb.error', 37]]);
    }
  });

  it('stays silent on bytes without a KRB-ERROR and on every prefix of one', () => {
    expect(run(stream.subarray(0, 300), [])).toEqual([]);
    for (let n = 0; n < err.length; n++) expect(run(err.subarray(0, n), [])).toEqual([]);
  });
});
