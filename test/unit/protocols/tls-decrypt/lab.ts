/**
 * Test helper: makes a real TLS session between node:tls (OpenSSL) client and server through
 * a recording TCP proxy on 127.0.0.1, keeps the key log, and writes the recorded bytes as a
 * classic pcap (Ethernet/IPv4/TCP with a SYN handshake) so tshark can decrypt it as the oracle.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';

export const OPENSSL = '/usr/bin/openssl';
export const HAVE_OPENSSL = existsSync(OPENSSL);

let certCache: { key: Buffer; cert: Buffer } | null = null;
/** Self-signed RSA certificate made by the openssl CLI in a temp dir (never committed). */
export function labCert(): { key: Buffer; cert: Buffer } {
  if (certCache) return certCache;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rdpdiag-tls-lab-'));
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  execFileSync(OPENSSL, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=lab', '-days', '1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  certCache = { key: readFileSync(key), cert: readFileSync(cert) };
  return certCache;
}

export interface LabOptions {
  minVersion: tls.SecureVersion;
  maxVersion: tls.SecureVersion;
  /** OpenSSL cipher list (TLS <= 1.2) and/or TLS 1.3 suites. */
  ciphers?: string;
  secureOptions?: number;
  /** Messages the client sends, then the server answers each with a reply twice as long. */
  messages: string[];
}

export interface LabSession {
  /** Recorded chunks in arrival order: dir 0 client → server. */
  chunks: { dir: 0 | 1; data: Buffer }[];
  keylog: string;
}

export async function runLabSession(o: LabOptions): Promise<LabSession> {
  const { key, cert } = labCert();
  const common = { minVersion: o.minVersion, maxVersion: o.maxVersion, ...(o.ciphers ? { ciphers: o.ciphers } : {}), ...(o.secureOptions ? { secureOptions: o.secureOptions } : {}) };
  const server = tls.createServer({ key, cert, ...common }, (s) => {
    s.on('data', (d: Buffer) => s.write(Buffer.concat([d, d])));
    s.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const serverPort = (server.address() as net.AddressInfo).port;
  const chunks: { dir: 0 | 1; data: Buffer }[] = [];
  const proxy = net.createServer((c) => {
    const up = net.connect(serverPort, '127.0.0.1');
    c.on('data', (d) => {
      chunks.push({ dir: 0, data: Buffer.from(d) });
      up.write(d);
    });
    up.on('data', (d) => {
      chunks.push({ dir: 1, data: Buffer.from(d) });
      c.write(d);
    });
    c.on('end', () => up.end());
    up.on('end', () => c.end());
    c.on('error', () => {});
    up.on('error', () => {});
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  const proxyPort = (proxy.address() as net.AddressInfo).port;
  let keylog = '';
  const client = tls.connect({ port: proxyPort, host: '127.0.0.1', rejectUnauthorized: false, ...common });
  client.on('keylog', (line: Buffer) => (keylog += line.toString('latin1')));
  await new Promise<void>((resolve, reject) => {
    client.once('secureConnect', resolve);
    client.once('error', reject);
  });
  for (const m of o.messages) {
    client.write(m);
    const want = m.length * 2;
    let got = 0;
    await new Promise<void>((resolve) => {
      const on = (d: Buffer): void => {
        got += d.length;
        if (got >= want) {
          client.off('data', on);
          resolve();
        }
      };
      client.on('data', on);
    });
  }
  client.end();
  await new Promise((r) => setTimeout(r, 50));
  proxy.close();
  server.close();
  return { chunks, keylog };
}

/** Classic pcap (µs, Ethernet) of one TCP connection carrying the chunks; returns the file path. */
export function writeLabPcap(chunks: { dir: 0 | 1; data: Buffer }[], dir: string, name: string): string {
  const packets: Buffer[] = [];
  const seq = [1000, 5000];
  const ports = [50000, 443];
  const ips = [Buffer.from([10, 0, 0, 1]), Buffer.from([10, 0, 0, 2])];
  const mk = (d: 0 | 1, flags: number, payload: Buffer): Buffer => {
    const tcp = Buffer.alloc(20);
    tcp.writeUInt16BE(ports[d]!, 0);
    tcp.writeUInt16BE(ports[1 - d]!, 2);
    tcp.writeUInt32BE(seq[d]! >>> 0, 4);
    tcp.writeUInt32BE(seq[1 - d]! >>> 0, 8);
    tcp[12] = 5 << 4;
    tcp[13] = flags;
    tcp.writeUInt16BE(65535, 14);
    const ip = Buffer.alloc(20);
    ip[0] = 0x45;
    ip.writeUInt16BE(20 + 20 + payload.length, 2);
    ip[8] = 64;
    ip[9] = 6;
    ips[d]!.copy(ip, 12);
    ips[1 - d]!.copy(ip, 16);
    let sum = 0;
    for (let i = 0; i < 20; i += 2) sum += ip.readUInt16BE(i);
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
    ip.writeUInt16BE(~sum & 0xffff, 10);
    const eth = Buffer.from([0, 0, 0, 0, 0, 2 - d, 0, 0, 0, 0, 0, 1 + d, 0x08, 0x00]);
    return Buffer.concat([eth, ip, tcp, payload]);
  };
  packets.push(mk(0, 0x02, Buffer.alloc(0)));
  seq[0]!++;
  packets.push(mk(1, 0x12, Buffer.alloc(0)));
  seq[1]!++;
  packets.push(mk(0, 0x10, Buffer.alloc(0)));
  for (const c of chunks) {
    for (let o = 0; o < c.data.length; o += 1400) {
      const part = c.data.subarray(o, o + 1400);
      packets.push(mk(c.dir, 0x18, part));
      seq[c.dir] = (seq[c.dir]! + part.length) >>> 0;
    }
  }
  const hdr = Buffer.alloc(24);
  hdr.writeUInt32LE(0xa1b2c3d4, 0);
  hdr.writeUInt16LE(2, 4);
  hdr.writeUInt16LE(4, 6);
  hdr.writeUInt32LE(262144, 16);
  hdr.writeUInt32LE(1, 20);
  const recs = packets.map((p, i) => {
    const r = Buffer.alloc(16);
    r.writeUInt32LE(1_700_000_000, 0);
    r.writeUInt32LE(i * 1000, 4);
    r.writeUInt32LE(p.length, 8);
    r.writeUInt32LE(p.length, 12);
    return Buffer.concat([r, p]);
  });
  const file = path.join(dir, name);
  writeFileSync(file, Buffer.concat([hdr, ...recs]));
  return file;
}
