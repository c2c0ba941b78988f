/**
 * NSS key log parsing and the secret store. Key log lines here are made up by hand
 * (random-looking hex, no real session), following protocol-facts §5.8.
 */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseKeyLog, SecretStore } from '../../../../src/protocols/tls/decrypt/keylog.js';
import { createDecryptorFactory } from '../../../../src/protocols/tls/decrypt/factory.js';

const CR1 = 'a1'.repeat(32);
const CR2 = 'B2'.repeat(32);
const MASTER = '5e'.repeat(48);
const T32 = '7c'.repeat(32);
const T48 = '3d'.repeat(48);
const bytes = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex, 'hex'));

const TEXT = [
  '# comment',
  '',
  `CLIENT_RANDOM ${CR1} ${MASTER}`,
  `CLIENT_HANDSHAKE_TRAFFIC_SECRET ${CR2} ${T32}`,
  `SERVER_HANDSHAKE_TRAFFIC_SECRET ${CR2} ${T32}`,
  `CLIENT_TRAFFIC_SECRET_0 ${CR2} ${T48}`,
  `SERVER_TRAFFIC_SECRET_0 ${CR2} ${T48}`,
  `EXPORTER_SECRET ${CR2} ${T32}`,
  `EARLY_EXPORTER_SECRET ${CR2} ${T32}`,
  `CLIENT_EARLY_TRAFFIC_SECRET ${CR2} ${T32}`,
].join('\n');

describe('parseKeyLog', () => {
  it('reads every label, ignores comments and blank lines, counts unused labels', () => {
    const r = parseKeyLog(TEXT);
    expect(r.issues).toEqual([]);
    expect(r.entries.map((e) => e.label)).toEqual([
      'CLIENT_RANDOM', 'CLIENT_HANDSHAKE_TRAFFIC_SECRET', 'SERVER_HANDSHAKE_TRAFFIC_SECRET',
      'CLIENT_TRAFFIC_SECRET_0', 'SERVER_TRAFFIC_SECRET_0', 'EXPORTER_SECRET',
    ]);
    expect(r.entries[1]!.clientRandom).toBe(CR2.toLowerCase());
    expect(r.entries.map((e) => e.line)).toEqual([3, 4, 5, 6, 7, 8]);
    expect(r.ignored).toEqual({ EARLY_EXPORTER_SECRET: 1, CLIENT_EARLY_TRAFFIC_SECRET: 1 });
    expect(Buffer.from(r.entries[0]!.secret).toString('hex')).toBe(MASTER);
  });

  it('accepts LF, CRLF and CR line ends, tabs and trailing blanks', () => {
    for (const eol of ['\n', '\r\n', '\r']) {
      const r = parseKeyLog(TEXT.split('\n').join(eol) + eol);
      expect(r.entries).toHaveLength(6);
      expect(r.issues).toEqual([]);
    }
    expect(parseKeyLog(`CLIENT_RANDOM\t${CR1}\t${MASTER}  `).entries).toHaveLength(1);
  });

  it('reports bad lines with their number and never their content, and goes on', () => {
    const bad = [
      `CLIENT_RANDOM ${CR1}`, // 1 too few fields
      `CLIENT_RANDOM ${CR1.slice(2)} ${MASTER}`, // 2 short random
      `CLIENT_RANDOM ${CR1} ${MASTER.slice(2)}`, // 3 47-byte master
      `CLIENT_RANDOM ${CR1} ${'zz'.repeat(48)}`, // 4 not hex
      `SERVER_TRAFFIC_SECRET_0 ${CR1} ${'11'.repeat(20)}`, // 5 bad length
      `SOMETHING_NEW ${CR1} ${T32}`, // 6 unknown label
      `${MASTER}`, // 7 just hex
      `CLIENT_RANDOM ${CR1} ${MASTER}`, // 8 fine
    ].join('\n');
    const r = parseKeyLog(bad);
    expect(r.entries.map((e) => e.line)).toEqual([8]);
    expect(r.issues.map((i) => i.line)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    for (const i of r.issues) {
      expect(i.message).toMatch(new RegExp(`^line ${i.line}: `));
      for (const secret of [MASTER, MASTER.slice(2), '11'.repeat(20), T32]) expect(i.message).not.toContain(secret.slice(0, 16));
    }
  });

  it('never throws on garbage', () => {
    for (const t of ['', '\0\0\0', 'ÿþ', 'CLIENT_RANDOM', ' '.repeat(1000), 'A B C D E F', '#'.repeat(5)]) {
      expect(() => parseKeyLog(t)).not.toThrow();
    }
  });
});

describe('SecretStore', () => {
  it('finds secrets by client random, whatever the hex case', () => {
    const store = new SecretStore();
    const added = store.addText(TEXT, 'keylog:test.txt');
    expect(added).toMatchObject({ added: 6, duplicates: 0, conflicts: 0, issues: [] });
    const s1 = store.find(bytes(CR1), 1)!;
    expect(Buffer.from(s1.masterSecret!).toString('hex')).toBe(MASTER);
    expect(s1.origin).toBe('keylog:test.txt');
    const s2 = store.find(bytes(CR2), 1)!;
    expect(s2.clientTrafficSecret0).toHaveLength(48);
    expect(s2.clientHandshakeTrafficSecret).toHaveLength(32);
    expect(s2.masterSecret).toBeUndefined();
    expect(store.find(bytes('00'.repeat(32)), 1)).toBeUndefined();
    expect(store.find(bytes('00'.repeat(31)), 1)).toBeUndefined();
  });

  it('applies DSB secrets from their frame on, key log files everywhere, and merges sources', () => {
    const store = new SecretStore();
    store.addText(`CLIENT_RANDOM ${CR1} ${MASTER}`, 'pcapng-dsb:frame 40', 40);
    store.addText(`CLIENT_TRAFFIC_SECRET_0 ${CR1} ${T32}`, 'keylog:a.txt');
    expect(store.find(bytes(CR1), 39)!.masterSecret).toBeUndefined();
    const at40 = store.find(bytes(CR1), 40)!;
    expect(at40.masterSecret).toBeDefined();
    expect(at40.origin).toBe('pcapng-dsb:frame 40, keylog:a.txt');
    // duplicates and conflicts
    const again = store.addText(`CLIENT_RANDOM ${CR1} ${MASTER}`, 'pcapng-dsb:frame 40', 40);
    expect(again).toMatchObject({ added: 0, duplicates: 1 });
    const other = store.addText(`CLIENT_RANDOM ${CR1} ${'01'.repeat(48)}`, 'pcapng-dsb:frame 40', 40);
    expect(other.conflicts).toBe(1);
    expect(other.issues[0]!.message).toMatch(/^line 1: CLIENT_RANDOM: differs/);
    // a later DSB with another value applies from its frame on
    store.addText(`CLIENT_RANDOM ${CR1} ${'02'.repeat(48)}`, 'pcapng-dsb:frame 90', 90);
    expect(Buffer.from(store.find(bytes(CR1), 89)!.masterSecret!).toString('hex')).toBe(MASTER);
    expect(Buffer.from(store.find(bytes(CR1), 90)!.masterSecret!).toString('hex')).toBe('02'.repeat(48));
  });

  it('never lets a secret into a string: toString, JSON, inspect, issues, reasons', () => {
    const store = new SecretStore();
    const res = store.addText(TEXT + `\nCLIENT_RANDOM ${CR1} ${MASTER.slice(4)}\nCLIENT_RANDOM ${CR1} ${'09'.repeat(48)}`, 'keylog:x');
    const found = store.find(bytes(CR1), 0)!;
    const parsed = parseKeyLog(TEXT);
    const strings = [
      String(store), JSON.stringify(store), inspect(store, { depth: 9 }),
      JSON.stringify(res), inspect(res, { depth: 9 }),
      JSON.stringify(found), inspect(found, { depth: 9 }), String(found),
      JSON.stringify(store.find(bytes(CR2), 0)), inspect(store.find(bytes(CR2), 0), { depth: 9 }),
      JSON.stringify(parsed), inspect(parsed, { depth: 9 }),
    ];
    const decimal = (hex: string): string => Array.from(Buffer.from(hex, 'hex').subarray(0, 6)).join(',');
    for (const s of strings) {
      for (const secret of [MASTER, T32, T48, '09'.repeat(48)]) {
        expect(s.toLowerCase()).not.toContain(secret.slice(0, 12));
        expect(s.replace(/\s/g, '')).not.toContain(decimal(secret));
      }
    }
    expect(JSON.stringify(found)).toContain('[redacted]');
    // factory reasons: no secret bytes, only a client random prefix
    const f = createDecryptorFactory(store);
    const base = { cipherSuite: 0xc030, serverRandom: new Uint8Array(32), encryptThenMac: false, extendedMasterSecret: false, helloRetryRequest: false };
    const r1 = f.create({ ...base, version: 0x0304, cipherSuite: 0x1301, clientRandom: bytes(CR1) }, 0);
    const r2 = f.create({ ...base, version: 0x0303, clientRandom: bytes('cc'.repeat(32)) }, 0);
    const r3 = f.create({ ...base, version: 0x0303, clientRandom: bytes(CR2) }, 0);
    for (const r of [r1, r2, r3]) {
      expect(r.ok).toBe(false);
      if (!r.ok) for (const secret of [MASTER, T32, T48]) expect(r.reason).not.toContain(secret.slice(0, 12));
    }
    expect(r2.ok ? '' : r2.reason).toBe('no secret for client random cccccccc…');
  });
});
