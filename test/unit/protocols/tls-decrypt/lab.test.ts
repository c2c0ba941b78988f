/**
 * Lab sessions made at test time by node:tls (OpenSSL 3) through a recording proxy, written as
 * a pcap and checked against tshark's decryption with the session's key log. Covers what the
 * public corpus lacks: TLS 1.0 (implicit IV) and 1.1, encrypt-then-MAC, ChaCha20-Poly1305 in
 * 1.2, AES-CCM, and the TLS 1.3 ChaCha20/CCM suites.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { constants } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDecryptorFactory } from '../../../../src/protocols/tls/decrypt/factory.js';
import { SecretStore } from '../../../../src/protocols/tls/decrypt/keylog.js';
import { HAVE_OPENSSL, runLabSession, writeLabPcap, type LabOptions } from './lab.js';
import { compareWithTshark, follow, HAVE_TSHARK, sessionOf } from './records.js';

const NO_ETM = constants.SSL_OP_NO_ENCRYPT_THEN_MAC;
const MESSAGES = ['hello', 'x'.repeat(20_000), 'GET / HTTP/1.1\r\nHost: lab\r\n\r\n'];

interface LabCase {
  name: string;
  opts: Omit<LabOptions, 'messages'>;
  suite: number;
  version: number;
  etm?: boolean;
}

const CASES: LabCase[] = [
  { name: 'TLS 1.0 AES128-SHA MAC-then-encrypt (implicit IV)', opts: { minVersion: 'TLSv1', maxVersion: 'TLSv1', ciphers: 'AES128-SHA:@SECLEVEL=0', secureOptions: NO_ETM }, suite: 0x002f, version: 0x0301, etm: false },
  { name: 'TLS 1.0 AES256-SHA encrypt-then-MAC', opts: { minVersion: 'TLSv1', maxVersion: 'TLSv1', ciphers: 'AES256-SHA:@SECLEVEL=0' }, suite: 0x0035, version: 0x0301, etm: true },
  { name: 'TLS 1.1 ECDHE-RSA-AES128-SHA MAC-then-encrypt', opts: { minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1', ciphers: 'ECDHE-RSA-AES128-SHA:@SECLEVEL=0', secureOptions: NO_ETM }, suite: 0xc013, version: 0x0302, etm: false },
  { name: 'TLS 1.2 AES128-SHA256 encrypt-then-MAC', opts: { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: 'AES128-SHA256' }, suite: 0x003c, version: 0x0303, etm: true },
  { name: 'TLS 1.2 ECDHE-RSA-AES256-SHA384 encrypt-then-MAC', opts: { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES256-SHA384' }, suite: 0xc028, version: 0x0303, etm: true },
  { name: 'TLS 1.2 ECDHE-RSA-CHACHA20-POLY1305', opts: { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-CHACHA20-POLY1305' }, suite: 0xcca8, version: 0x0303 },
  { name: 'TLS 1.2 ECDHE-RSA-AES128-GCM-SHA256', opts: { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' }, suite: 0xc02f, version: 0x0303 },
  { name: 'TLS 1.2 AES128-CCM', opts: { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: 'AES128-CCM' }, suite: 0xc09c, version: 0x0303 },
  { name: 'TLS 1.2 AES256-CCM8', opts: { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: 'AES256-CCM8' }, suite: 0xc0a1, version: 0x0303 },
  { name: 'TLS 1.3 TLS_AES_128_GCM_SHA256', opts: { minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3', ciphers: 'TLS_AES_128_GCM_SHA256' }, suite: 0x1301, version: 0x0304 },
  { name: 'TLS 1.3 TLS_CHACHA20_POLY1305_SHA256', opts: { minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3', ciphers: 'TLS_CHACHA20_POLY1305_SHA256' }, suite: 0x1303, version: 0x0304 },
  { name: 'TLS 1.3 TLS_AES_128_CCM_SHA256', opts: { minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3', ciphers: 'TLS_AES_128_CCM_SHA256' }, suite: 0x1304, version: 0x0304 },
  { name: 'TLS 1.3 TLS_AES_128_CCM_8_SHA256', opts: { minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3', ciphers: 'TLS_AES_128_CCM_8_SHA256' }, suite: 0x1305, version: 0x0304 },
];

describe.skipIf(!HAVE_TSHARK || !HAVE_OPENSSL)('lab sessions (node:tls) agree with tshark', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rdpdiag-tls-lab-'));
  const summary: string[] = [];
  CASES.forEach((c, i) => {
    it(c.name, async () => {
      const lab = await runLabSession({ ...c.opts, messages: MESSAGES });
      const file = writeLabPcap(lab.chunks, dir, `lab${i}.pcap`);
      const keylog = path.join(dir, `lab${i}.keylog`);
      writeFileSync(keylog, lab.keylog);
      // The session is what we asked for.
      const s = sessionOf(0, follow(file, 'tcp', [0]).get(0)!)!;
      expect(s.params.cipherSuite).toBe(c.suite);
      expect(s.params.version).toBe(c.version);
      if (c.etm !== undefined) expect(s.params.encryptThenMac).toBe(c.etm);
      const store = new SecretStore();
      store.addText(lab.keylog, 'keylog:lab');
      const t = compareWithTshark(file, createDecryptorFactory(store), ['-o', `tls.keylog_file:${keylog}`]);
      expect(t.connections).toBe(1);
      // Every message and reply came out: 3 messages + 3 doubled replies.
      const total = MESSAGES.reduce((n, m) => n + m.length * 3, 0);
      expect(t.appBytes).toBe(total);
      summary.push(`${c.name}: ${t.records} records, ${t.appBytes} app bytes equal to tshark`);
    });
  });
  it('summary', () => {
    // eslint-disable-next-line no-console
    console.log(summary.join('\n'));
  });
});
