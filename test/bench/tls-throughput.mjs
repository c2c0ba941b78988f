/**
 * Decryption throughput of rdpdiag's TLS record decryptors (dist/protocols/tls/decrypt/).
 *
 * Makes one real TLS session per case between a node:tls (OpenSSL) client and server over
 * 127.0.0.1 through a recording TCP proxy (the approach of test/unit/protocols/tls-decrypt/
 * lab.ts, rewritten here because that file is TypeScript), keeps the client's key log, splits
 * the recorded bytes into records, and times SecretStore → createDecryptorFactory →
 * RecordDecryptor.decrypt over every record. The number reported is MB (2^20 bytes) of
 * application-data plaintext per second; handshake records are decrypted too but are
 * negligible next to the bulk transfer.
 *
 * Needs `npm run build` (imports dist/) and /usr/bin/openssl (self-signed certificate in a temp
 * dir, removed afterwards).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';

const DIST = new URL('../../dist/', import.meta.url);

function makeCert() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rdpdiag-bench-tls-'));
  try {
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    execFileSync('/usr/bin/openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=bench', '-days', '1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
    return { key: readFileSync(key), cert: readFileSync(cert) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One TLS session: the client asks for `bytes`, the server sends them in `writeSize` writes (1 MB: full 16 KB records). */
async function recordSession({ key, cert }, { minVersion, maxVersion, ciphers, writeSize = 1 << 20 }, bytes) {
  const common = { minVersion, maxVersion, ciphers };
  const block = Buffer.alloc(writeSize, 0x5a);
  const server = tls.createServer({ key, cert, ...common }, (s) => {
    s.once('data', () => {
      let left = bytes;
      const pump = () => {
        if (writeSize < 16384) {
          // one record per write: wait for each write to be flushed before the next
          if (left <= 0) return;
          const n = Math.min(left, block.length);
          left -= n;
          s.write(block.subarray(0, n), () => setImmediate(pump));
          return;
        }
        while (left > 0) {
          const n = Math.min(left, block.length);
          left -= n;
          if (!s.write(block.subarray(0, n))) {
            s.once('drain', pump);
            return;
          }
        }
      };
      pump();
    });
    s.on('error', () => {});
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const chunks = [[], []];
  const proxy = net.createServer((c) => {
    const up = net.connect(server.address().port, '127.0.0.1');
    c.on('data', (d) => {
      chunks[0].push(d);
      up.write(d);
    });
    up.on('data', (d) => {
      chunks[1].push(d);
      c.write(d);
    });
    c.on('end', () => up.end());
    up.on('end', () => c.end());
    c.on('error', () => {});
    up.on('error', () => {});
  });
  await new Promise((r) => proxy.listen(0, '127.0.0.1', r));
  let keylog = '';
  const client = tls.connect({ port: proxy.address().port, host: '127.0.0.1', rejectUnauthorized: false, ...common });
  client.on('keylog', (line) => (keylog += line.toString('latin1')));
  await new Promise((resolve, reject) => {
    client.once('secureConnect', resolve);
    client.once('error', reject);
  });
  client.write('GET /bulk\r\n');
  await new Promise((resolve) => {
    let got = 0;
    client.on('data', (d) => {
      got += d.length;
      if (got >= bytes) resolve();
    });
  });
  client.end();
  await new Promise((r) => setTimeout(r, 50));
  proxy.close();
  server.close();
  return { streams: [Buffer.concat(chunks[0]), Buffer.concat(chunks[1])], keylog };
}

/** Splits a TLS byte stream into records (type, body view). */
function splitRecords(buf) {
  const out = [];
  let o = 0;
  while (o + 5 <= buf.length) {
    const len = buf.readUInt16BE(o + 3);
    if (o + 5 + len > buf.length) break;
    out.push({ type: buf[o], body: buf.subarray(o + 5, o + 5 + len) });
    o += 5 + len;
  }
  return out;
}

function sessionParams(c2s, s2c) {
  const ch = c2s[0].body; // handshake: type 1 | len(3) | version(2) | random(32)
  const sh = s2c[0].body; // type 2 | len(3) | version(2) | random(32) | sid len | sid | suite
  const clientRandom = Uint8Array.from(ch.subarray(6, 38));
  const serverRandom = Uint8Array.from(sh.subarray(6, 38));
  const sidLen = sh[38];
  const cipherSuite = sh.readUInt16BE(39 + sidLen);
  const version = (cipherSuite & 0xff00) === 0x1300 ? 0x0304 : sh.readUInt16BE(4);
  return { version, cipherSuite, clientRandom, serverRandom, encryptThenMac: false, extendedMasterSecret: true, helloRetryRequest: false };
}

/** Decrypts every record of both directions once; returns plaintext byte counts and time. */
function decryptAll(factory, params, dirs) {
  const t0 = process.hrtime.bigint();
  const made = factory.create(params, 0);
  if (!made.ok) throw new Error(`no decryptor: ${made.reason}`);
  const dec = made.decryptor;
  let appBytes = 0;
  let allBytes = 0;
  let records = 0;
  let failures = 0;
  const tls13 = params.version === 0x0304;
  for (let dir = 0; dir < 2; dir++) {
    let active = tls13;
    for (const r of dirs[dir]) {
      if (r.type === 20) {
        dec.changeCipherSpec(dir);
        active = true;
        continue;
      }
      if (!active || (tls13 && r.type !== 23)) continue;
      const res = dec.decrypt(dir, r.type, r.body);
      records++;
      if (!res.ok) {
        failures++;
        continue;
      }
      allBytes += res.plaintext.length;
      if (res.contentType === 23) appBytes += res.plaintext.length;
    }
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { seconds, appBytes, allBytes, records, failures };
}

export const DECRYPT_CASES = [
  { name: 'TLS 1.2 ECDHE-RSA-AES256-GCM-SHA384 (0xC030)', minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES256-GCM-SHA384' },
  { name: 'TLS 1.3 TLS_AES_256_GCM_SHA384 (0x1302)', minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3', ciphers: 'TLS_AES_256_GCM_SHA384' },
  // RDP-like: many small records (one 1200-byte record per write), 1/8 of the volume
  { name: 'TLS 1.2 ECDHE-RSA-AES256-GCM-SHA384, 1200-byte records', minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES256-GCM-SHA384', writeSize: 1200, share: 8 },
];

/**
 * For each case: record a session carrying `mb` MB server → client, then decrypt it `runs`
 * times (a fresh decryptor each time) and keep the median.
 */
export async function measureDecryption({ mb = 64, runs = 3 } = {}) {
  const { createDecryptorFactory } = await import(new URL('protocols/tls/decrypt/factory.js', DIST).href);
  const { SecretStore } = await import(new URL('protocols/tls/decrypt/keylog.js', DIST).href);
  const cert = makeCert();
  const results = [];
  for (const c of DECRYPT_CASES) {
    const bytes = Math.round((mb * 1048576) / (c.share ?? 1));
    const { streams, keylog } = await recordSession(cert, c, bytes);
    const dirs = [splitRecords(streams[0]), splitRecords(streams[1])];
    const params = sessionParams(dirs[0], dirs[1]);
    const store = new SecretStore();
    store.addText(keylog, 'keylog:bench');
    const factory = createDecryptorFactory(store);
    const samples = [];
    for (let i = 0; i < runs; i++) samples.push(decryptAll(factory, params, dirs));
    const last = samples[samples.length - 1];
    if (last.failures !== 0 || last.appBytes < bytes) {
      throw new Error(`${c.name}: ${last.failures} records failed, ${last.appBytes} of ${bytes} application bytes decrypted`);
    }
    const secs = samples.map((s) => s.seconds).sort((a, b) => a - b);
    const median = secs[Math.floor(secs.length / 2)];
    results.push({
      case: c.name,
      recordPlaintext: c.writeSize && c.writeSize < 16384 ? c.writeSize : 16384,
      version: params.version,
      cipherSuite: params.cipherSuite,
      wireBytes: streams[0].length + streams[1].length,
      records: last.records,
      applicationBytes: last.appBytes,
      seconds: secs,
      medianSeconds: median,
      mbPerSec: last.appBytes / 1048576 / median,
      recordsPerSec: last.records / median,
    });
  }
  return results;
}
