/**
 * Integration of the decoder's decryption wiring with the project's real decryptor
 * (src/protocols/tls/decrypt/, owned by another engineer) on public captures that come with an
 * NSS key log: the application data we hand to onPlaintext must be byte-identical to what tshark
 * decrypts with the same key log (`-z follow,tls,raw`). Skipped when the shared captures, tshark or
 * the decrypt modules are absent.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DecryptorFactory, SecretLookup } from '../../../../src/protocols/tls/decrypt/types.js';
import { HAVE_SHARED, HAVE_TSHARK, SHARED_PUBLIC, followStreams, skipLeadingTpkt, skipToTls, tshark } from './follow.js';
import { fromFollow, run } from './streams.js';

interface DecryptModules {
  SecretStore: new () => SecretLookup & { addText(text: string, origin: string): unknown };
  createDecryptorFactory: (store: SecretLookup) => DecryptorFactory;
}

async function modules(): Promise<DecryptModules | null> {
  try {
    const keylog = (await import('../../../../src/protocols/tls/decrypt/keylog.js')) as unknown as Partial<DecryptModules>;
    const factory = (await import('../../../../src/protocols/tls/decrypt/factory.js')) as unknown as Partial<DecryptModules>;
    if (typeof keylog.SecretStore !== 'function' || typeof factory.createDecryptorFactory !== 'function') return null;
    return { SecretStore: keylog.SecretStore, createDecryptorFactory: factory.createDecryptorFactory };
  } catch {
    return null;
  }
}

const mods = await modules();
const T = 'zeek__zeek/testing/btest/Traces/tls/';
const A = 'awakecoding__wireshark-rdp/captures/';
/** [capture, NSS key log] — 'dsb': the pcapng's own Decryption Secrets Block, exported by tshark. */
const CASES = [
  ['petercsauer__probe/tests/fixtures/captures/tls/tls12.pcapng', 'petercsauer__probe/tests/fixtures/captures/tls/tls12.keylog'],
  ['petercsauer__probe/tests/fixtures/captures/tls/tls13.pcapng', 'petercsauer__probe/tests/fixtures/captures/tls/tls13.keylog'],
  [`${T}tls12-decryption.pcap`, `${T}tls12-decryption.pcap.nss-keylog.txt`],
  [`${T}tls-1.2-stream-keylog.pcap`, `${T}tls-1.2-stream-keylog.pcap.nss-keylog.txt`],
  // RDP with NLA (CredSSP inside TLS) and an RD Gateway session: the secrets are in the capture
  [`${A}rdp-nla-kerberos-auth1.pcapng`, 'dsb'],
  [`${A}rdp-nla-ntlm-rejected2.pcapng`, 'dsb'],
  [`${A}rdp-rdg-same-creds-kerberos-password-success2.pcapng`, 'dsb'],
] as const;

/** tshark only hands RDP's TLS to its TLS dissector when told to. */
const DECODE_AS = ['-d', 'tcp.port==3389,tls'];

function keyLogFile(cap: string, keys: string): string {
  if (keys !== 'dsb') return path.join(SHARED_PUBLIC, keys);
  const dir = path.join(os.tmpdir(), 'rdpdiag-tshark-cache');
  const out = path.join(dir, createHash('sha256').update(cap).digest('hex') + '.keys');
  if (!existsSync(out)) {
    mkdirSync(dir, { recursive: true });
    spawnSync('/usr/bin/tshark', ['-n', '-r', cap, ...DECODE_AS, '-q', '--export-tls-session-keys', out], { stdio: 'ignore' });
  }
  return out;
}

describe.skipIf(!HAVE_SHARED || !HAVE_TSHARK || mods === null || !existsSync(path.join(SHARED_PUBLIC, CASES[0][1])))(
  'decrypted application data equals tshark\'s (real decryptor)',
  () => {
    it.each(CASES)('%s', (capRel, keysRel) => {
      const cap = path.join(SHARED_PUBLIC, capRel);
      const keys = keyLogFile(cap, keysRel);
      const store = new mods!.SecretStore();
      store.addText(readFileSync(keys, 'utf8'), 'keylog:test');
      const factory = mods!.createDecryptorFactory(store);
      let decrypted = 0;
      let agree = 0;
      const differ: number[] = [];
      for (const s of followStreams(cap)) {
        const ours = ['', ''];
        const ev = run(fromFollow(skipToTls(skipLeadingTpkt(s.chunks))), {
          options: { decryption: factory, onPlaintext: (d, data) => (ours[d] += Buffer.from(data).toString('hex')) },
        });
        const status = ev.filter((e) => e.type === 'tls.decrypt_status');
        expect(status.length).toBeLessThanOrEqual(2);
        if (!status.some((e) => (e as { ok: boolean }).ok)) continue; // e.g. RC4/SEED suites the decryptor does not support
        decrypted++;
        const theirs = ['', ''];
        let body = false;
        for (const line of tshark(['-r', cap, ...DECODE_AS, '-o', `tls.keylog_file:${keys}`, '-q', '-z', `follow,tls,raw,${s.index}`]).split('\n')) {
          if (line.startsWith('Node 1')) body = true;
          else if (body && /^\t?[0-9a-f]+$/.test(line)) theirs[line.startsWith('\t') ? 1 : 0] += line.trim();
        }
        // tshark 4.0's follow,tls may name the server Node 0 (it orders nodes by the first decrypted
        // record), so the two directions are compared as a pair, in either order.
        if ((ours[0] === theirs[0] && ours[1] === theirs[1]) || (ours[0] === theirs[1] && ours[1] === theirs[0])) agree++;
        else differ.push(s.index);
      }
      console.log(`${capRel}: plaintext identical to tshark in ${agree}/${decrypted} decrypted streams`);
      expect(decrypted).toBeGreaterThan(0);
      expect(differ).toEqual([]);
      expect(agree).toBe(decrypted);
    });
  },
);
