/**
 * Oracle test over real captures with key logs / Decryption Secrets Blocks: every protected
 * record is decrypted by our code and each direction's application data must be byte-for-byte
 * equal to what tshark decrypts (`-z follow,tls,raw,N`).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDecryptorFactory } from '../../../../src/protocols/tls/decrypt/factory.js';
import { SecretStore } from '../../../../src/protocols/tls/decrypt/keylog.js';
import { compareWithTshark, HAVE_PUBLIC, HAVE_TSHARK, PUBLIC, readDsbSecrets, type Totals } from './records.js';

interface Case {
  name: string;
  file: string;
  keylog?: string;
  /** tshark options to see TLS (RDP on 3389 is not handed to TLS by tshark 4.0's RDP dissector). */
  decodeAs?: string[];
}

const CASES: Case[] = [
  { name: 'probe tls12', file: 'petercsauer__probe/tests/fixtures/captures/tls/tls12.pcapng', keylog: 'petercsauer__probe/tests/fixtures/captures/tls/tls12.keylog' },
  { name: 'probe tls13', file: 'petercsauer__probe/tests/fixtures/captures/tls/tls13.pcapng', keylog: 'petercsauer__probe/tests/fixtures/captures/tls/tls13.keylog' },
  {
    name: 'packetpioneer tls13',
    file: 'packetpioneer__youtube/decrypt-traffic-wireshark-tls.zip_extracted/How to Decrypt Traffic with Wireshark.pcapng',
    keylog: 'packetpioneer__youtube/decrypt-traffic-wireshark-tls.zip_extracted/sslkeylog.log',
  },
  { name: 'zeek tls-1.2-stream-keylog', file: 'zeek__zeek/testing/btest/Traces/tls/tls-1.2-stream-keylog.pcap', keylog: 'zeek__zeek/testing/btest/Traces/tls/tls-1.2-stream-keylog.pcap.nss-keylog.txt' },
  { name: 'zeek tls12-decryption', file: 'zeek__zeek/testing/btest/Traces/tls/tls12-decryption.pcap', keylog: 'zeek__zeek/testing/btest/Traces/tls/tls12-decryption.pcap.nss-keylog.txt' },
];

const RDP_DIR = path.join(PUBLIC, 'awakecoding__wireshark-rdp/captures');
if (existsSync(RDP_DIR)) {
  for (const f of readdirSync(RDP_DIR).filter((n) => n.endsWith('.pcapng')).sort()) {
    CASES.push({ name: `awakecoding ${f}`, file: `awakecoding__wireshark-rdp/captures/${f}`, decodeAs: ['-d', 'tcp.port==3389,tls'] });
  }
}

function runCase(c: Case): Totals {
  const file = path.join(PUBLIC, c.file);
  const store = new SecretStore();
  const tlsOpts = [...(c.decodeAs ?? [])];
  if (c.keylog !== undefined) {
    const keylogPath = path.join(PUBLIC, c.keylog);
    const added = store.addText(readFileSync(keylogPath, 'latin1'), `keylog:${path.basename(keylogPath)}`);
    expect(added.issues).toEqual([]);
    tlsOpts.push('-o', `tls.keylog_file:${keylogPath}`);
  } else {
    for (const dsb of readDsbSecrets(file)) {
      const added = store.addText(dsb.text, `pcapng-dsb:frame ${dsb.fromFrame}`, dsb.fromFrame);
      expect(added.issues).toEqual([]);
    }
  }
  return compareWithTshark(file, createDecryptorFactory(store), tlsOpts);
}

describe.skipIf(!HAVE_PUBLIC || !HAVE_TSHARK)('decryption agrees with tshark on real captures', () => {
  const summary: string[] = [];
  const grand = { connections: 0, records: 0 };
  for (const c of CASES) {
    it(c.name, () => {
      if (!existsSync(path.join(PUBLIC, c.file))) return;
      const t = runCase(c);
      summary.push(`${c.name}: ${t.connections} connections, ${t.records} records, ${t.appBytes} app bytes equal to tshark${t.unsupported.length ? `; ${t.unsupported.length} unsupported (${[...new Set(t.unsupported)].length} suites)` : ''}`);
      grand.connections += t.connections;
      grand.records += t.records;
    });
  }
  it('summary', () => {
    // eslint-disable-next-line no-console
    console.log(summary.join('\n'));
    expect(grand.connections).toBeGreaterThan(0);
  });
});
