/**
 * Test helper: what tshark's TLS dissector reports for a capture, grouped per TCP stream and
 * direction, in the shape the TLS decoder's events can be compared with.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { followArgs, parseFollow, tsharkAsync, type FollowStream } from './follow.js';

export interface OracleClientHello {
  dir: 0 | 1;
  frame: number;
  legacyVersion: number;
  supportedVersions: number[];
  cipherSuiteCount: number;
  sni?: string;
  alpn: string[];
}

export interface OracleServerHello {
  dir: 0 | 1;
  frame: number;
  legacyVersion: number;
  /** supported_versions value when present. */
  supportedVersion?: number;
  cipherSuite: number;
}

export interface OracleAlert {
  dir: 0 | 1;
  frame: number;
  level: number;
  description: number;
}

export interface OracleCertificate {
  dir: 0 | 1;
  frame: number;
  count: number;
  /** Serial of the first (leaf) certificate as tshark shows it: lower-case hex with colons. */
  firstSerial?: string;
}

export interface OracleSslv2Hello {
  dir: 0 | 1;
  frame: number;
  /** 1 CLIENT-HELLO, 4 SERVER-HELLO */
  msgType: number;
  version: number;
  cipherSpecCount: number;
}

export interface OracleStream {
  clientHellos: OracleClientHello[];
  sslv2Hellos: OracleSslv2Hello[];
  serverHellos: OracleServerHello[];
  alerts: OracleAlert[];
  /** Alert records without a readable level/description (encrypted). */
  encryptedAlerts: number;
  certificates: OracleCertificate[];
  /** Records of content type 23 per direction. */
  appDataRecords: [number, number];
  /** Frames where the per-frame aggregation is ambiguous (e.g. two ClientHellos in one frame). */
  ambiguous: number;
}

const FIELDS = [
  'tcp.stream',
  'frame.number',
  'tcp.srcport',
  'tls.record.content_type',
  'tls.handshake.type',
  'tls.handshake.version',
  'tls.handshake.extensions.supported_version',
  'tls.handshake.cipher_suites_length',
  'tls.handshake.ciphersuite',
  'tls.handshake.extensions_server_name',
  'tls.handshake.extensions_alpn_str',
  'tls.alert_message.level',
  'tls.alert_message.desc',
  'tls.handshake.certificate_length',
  'x509af.serialNumber',
  'tls.handshake.cipher_spec_len',
  // TLS 1.3 protected records: tshark 4.0 shows their outer type here instead of content_type.
  'tls.record.opaque_type',
] as const;

function list(s: string | undefined): string[] {
  return s === undefined || s === '' ? [] : s.split(';');
}
function num(s: string): number {
  return s.startsWith('0x') ? parseInt(s, 16) : Number(s);
}

export function emptyOracle(): OracleStream {
  return { clientHellos: [], sslv2Hellos: [], serverHellos: [], alerts: [], encryptedAlerts: 0, certificates: [], appDataRecords: [0, 0], ambiguous: 0 };
}

/**
 * Per-stream tshark view of the TLS in a capture, from the output of a `-T fields` run with
 * FIELDS over `tcp.len > 0` frames. `streams` (from the follow run) gives each stream's Node 0
 * port, used to turn tshark's source port into the follow direction.
 */
export function parseOracle(out: string, streams: FollowStream[]): Map<number, OracleStream> {
  const node0Port = new Map<number, string>();
  for (const s of streams) node0Port.set(s.index, s.node0.slice(s.node0.lastIndexOf(':') + 1));
  const result = new Map<number, OracleStream>();
  for (const line of out.split('\n')) {
    if (line.trim() === '') continue;
    const c = line.split('\t');
    const stream = Number(c[0]);
    const frame = Number(c[1]);
    const dir: 0 | 1 = c[2] === node0Port.get(stream) ? 0 : 1;
    if (c[3] === '' && c[4] === '' && (c[16] ?? '') === '') continue; // not TLS
    let o = result.get(stream);
    if (o === undefined) {
      o = emptyOracle();
      result.set(stream, o);
    }
    const contentTypes = list(c[3]).map(num);
    const hsTypes = list(c[4]).map(num);
    const versions = list(c[5]).map(num);
    const supported = list(c[6]).map(num);
    const csLens = list(c[7]).map(num);
    const suites = list(c[8]).map(num);
    const sni = list(c[9]);
    const alpn = list(c[10]);
    const levels = list(c[11]).map(num);
    const descs = list(c[12]).map(num);
    const certLens = list(c[13]);
    const serials = list(c[14]);
    const specLens = list(c[15]).map(num);
    const opaqueTypes = list(c[16]).map(num);

    if (contentTypes.length === 0 && opaqueTypes.length === 0) {
      // SSLv2 records carry no content type.
      for (const t of hsTypes) {
        if (t === 1 || t === 4) {
          o.sslv2Hellos.push({ dir, frame, msgType: t, version: versions[0] ?? 0, cipherSpecCount: (specLens[0] ?? 0) / 3 });
        }
      }
      continue;
    }

    for (const t of contentTypes) if (t === 23) o.appDataRecords[dir]++;
    for (const t of opaqueTypes) if (t === 23) o.appDataRecords[dir]++;
    const alertRecords = contentTypes.filter((t) => t === 21).length;
    for (let i = 0; i < levels.length; i++) o.alerts.push({ dir, frame, level: levels[i]!, description: descs[i]! });
    o.encryptedAlerts += Math.max(0, alertRecords - levels.length);

    const nCH = hsTypes.filter((t) => t === 1).length;
    const nSH = hsTypes.filter((t) => t === 2).length;
    const nCert = hsTypes.filter((t) => t === 11).length;
    if (nCH + nSH > 1 || nCert > 1) o.ambiguous++;
    if (nCH === 1) {
      const ch: OracleClientHello = {
        dir,
        frame,
        legacyVersion: versions[0]!,
        supportedVersions: supported,
        cipherSuiteCount: (csLens[0] ?? 0) / 2,
        alpn,
      };
      if (sni[0] !== undefined) ch.sni = sni[0];
      o.clientHellos.push(ch);
    } else if (nSH === 1) {
      const sh: OracleServerHello = { dir, frame, legacyVersion: versions[0]!, cipherSuite: suites[0]! };
      if (supported[0] !== undefined) sh.supportedVersion = supported[0];
      o.serverHellos.push(sh);
    }
    if (nCert === 1) {
      const cert: OracleCertificate = { dir, frame, count: certLens.length };
      if (serials[0] !== undefined) cert.firstSerial = serials[0];
      o.certificates.push(cert);
    }
  }
  return result;
}

export const ORACLE_FIELDS = FIELDS;

/** tshark only hands RDP's TLS to its TLS dissector when told to (the RDP dissector stops after X.224). */
const DECODE_AS = ['-d', 'tcp.port==3389,tls'];

export function oracleArgs(file: string): string[] {
  const args = ['-r', file, ...DECODE_AS, '-Y', 'tcp.len > 0', '-T', 'fields', '-E', 'separator=/t', '-E', 'occurrence=a', '-E', 'aggregator=;'];
  for (const f of FIELDS) args.push('-e', f);
  return args;
}

/**
 * Subject CN of the first certificate of each Certificate message, per stream, from tshark's X.509
 * dissector (its summary of the certificate puts the commonName first when there is one).
 */
export function parseLeafCNs(pdml: string): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const pkt of pdml.split('<packet>').slice(1)) {
    const stream = /name="tcp.stream"[^>]*show="(\d+)"/.exec(pkt);
    if (!stream) continue;
    const cert = /<field name="tls.handshake.certificate" showname="([^"]*)"/.exec(pkt);
    if (!cert) continue;
    // tshark lists the RDNs last first, so its first commonName is the most specific one.
    const m = /[(,]id-at-commonName=([^,"]*?)(?:,[a-z0-9-]+-at-|\)$|…$|$)/.exec(cert[1]!);
    const k = Number(stream[1]);
    out.set(k, [...(out.get(k) ?? []), m ? m[1]! : '']);
  }
  return out;
}

export interface CaptureView {
  streams: FollowStream[];
  oracle: Map<number, OracleStream>;
  leafCNs: Map<number, string[]>;
}

/**
 * pcapng captures may carry Decryption Secrets Blocks, with which tshark decrypts and shows what a
 * keyless decoder cannot see. The oracle must see what we see: a copy without the secrets is made
 * (once, in the OS temporary directory; never in the repository) with editcap --discard-all-secrets.
 */
function withoutSecrets(file: string): string {
  const head = Buffer.alloc(4);
  try {
    const fd = openSync(file, 'r');
    readSync(fd, head, 0, 4, 0);
    closeSync(fd);
  } catch {
    return file;
  }
  if (head.readUInt32BE(0) !== 0x0a0d0d0a) return file; // not pcapng
  const st = statSync(file);
  const dir = path.join(os.tmpdir(), 'rdpdiag-tshark-cache');
  const out = path.join(dir, createHash('sha256').update(JSON.stringify([file, st.size, st.mtimeMs])).digest('hex') + '.pcapng');
  if (!existsSync(out)) {
    mkdirSync(dir, { recursive: true });
    const r = spawnSync('/usr/bin/editcap', ['--discard-all-secrets', file, out], { stdio: 'ignore' });
    if (r.status !== 0 || !existsSync(out)) return file;
  }
  return out;
}

/** Runs tshark (three passes at most) and returns the per-stream bytes and the TLS oracle. */
export async function captureView(original: string): Promise<CaptureView> {
  const file = withoutSecrets(original);
  const fields = await tsharkAsync(oracleArgs(file));
  const indexes = new Set<number>();
  let certs = false;
  for (const line of fields.split('\n')) {
    const c = line.split('\t');
    if (c[0] !== undefined && c[0] !== '') indexes.add(Number(c[0]));
    if (c[13] !== undefined && c[13] !== '') certs = true;
  }
  const list = [...indexes].sort((a, b) => a - b);
  const streams: FollowStream[] = [];
  for (let i = 0; i < list.length; i += 400) streams.push(...parseFollow(await tsharkAsync(followArgs(file, list.slice(i, i + 400)))));
  const pdml = certs ? await tsharkAsync(['-r', file, ...DECODE_AS, '-Y', 'tls.handshake.type == 11 && tcp', '-T', 'pdml']) : '';
  return { streams, oracle: parseOracle(fields, streams), leafCNs: parseLeafCNs(pdml) };
}
