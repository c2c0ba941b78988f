/**
 * Test helpers: paths to the shared public corpus and tshark (4.0.17) as the oracle.
 * Not a test file itself.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
/** ../shared/captures/public seen from the repository root. */
export const SHARED = path.resolve(here, '../../../..', '..', 'shared', 'captures', 'public');
export const TSHARK = '/usr/bin/tshark';
export const haveCorpus = existsSync(SHARED);
export const haveTshark = existsSync(TSHARK);
export const canOracle = haveCorpus && haveTshark;

export function cap(rel: string): string {
  return path.join(SHARED, rel);
}

export function tshark(args: string[]): string {
  return execFileSync(TSHARK, args, { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] });
}

export function hexToBytes(hex: string): Uint8Array {
  const clean = hex.replace(/[^0-9a-fA-F]/g, '');
  return Uint8Array.from(Buffer.from(clean, 'hex'));
}

/** One decrypted TLS record payload as `follow,tls,raw` prints it, with its direction (0 = node 0 → node 1). */
export interface FollowChunk {
  dir: 0 | 1;
  data: Uint8Array;
}

/** `tshark -z follow,<proto>,raw,<stream>`: chunks in capture order. */
export function follow(file: string, proto: 'tls' | 'tcp', stream: number, extra: string[] = []): FollowChunk[] {
  const out = tshark(['-r', file, ...extra, '-q', '-z', `follow,${proto},raw,${stream}`]);
  const chunks: FollowChunk[] = [];
  let inBody = false;
  for (const line of out.split('\n')) {
    if (line.startsWith('====')) {
      if (inBody) break;
      continue;
    }
    if (/^Node [01]:/.test(line) || /^Follow:|^Filter:/.test(line)) {
      inBody = true;
      continue;
    }
    if (!inBody || line.trim() === '') continue;
    const dir = line.startsWith('\t') ? 1 : 0;
    chunks.push({ dir, data: hexToBytes(line.trim()) });
  }
  return chunks;
}

/** `-T fields` rows split on tabs. */
export function fields(file: string, filter: string, names: string[], extra: string[] = []): string[][] {
  const args = ['-r', file, ...extra, '-Y', filter, '-T', 'fields', '-E', 'separator=\t', '-E', 'occurrence=a', '-E', 'aggregator=,'];
  for (const n of names) args.push('-e', n);
  return tshark(args)
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => l.split('\t'));
}

/** tshark's absolute time text ("Jun 12, 2021 16:11:43.000000000 UTC") → epoch seconds. */
export function tsharkTime(s: string): number {
  const m = /^(.*\d\d:\d\d:\d\d)(\.\d+)? UTC$/.exec(s.trim());
  if (!m) return NaN;
  return Date.parse(`${m[1]} UTC`) / 1000 + (m[2] ? Number(`0${m[2]}`) : 0);
}

// ---------------------------------------------------------------- Kerberos JSON oracle

type J = unknown;
function obj(v: J): Record<string, J> | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, J>) : undefined;
}
function arr(v: J): J[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}
function str(v: J): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** What tshark shows for one Kerberos message. */
export interface TsharkKrb {
  msgType: number;
  errorCode?: number;
  stime?: number;
  susec?: number;
  ctime?: number;
  realm?: string;
  crealm?: string;
  cname?: string;
  sname?: string;
  eText?: string;
  etypes?: number[];
  padataTypes?: number[];
  nonce?: number;
  kdcOptions?: number;
  till?: number;
  ticketRealm?: string;
  ticketSname?: string;
  encEtype?: number;
}

function principal(el: J, kind: 'sname' | 'cname'): string | undefined {
  const e = obj(el);
  if (!e) return undefined;
  const tree = obj(e[`kerberos.${kind}_string_tree`]);
  if (!tree) return undefined;
  const key = kind === 'sname' ? 'kerberos.SNameString' : 'kerberos.CNameString';
  return arr(tree[key]).map((x) => String(x)).join('/');
}

function padata(e: Record<string, J>): number[] | undefined {
  const tree = obj(e['kerberos.padata_tree']);
  if (!tree) return undefined;
  return arr(tree['kerberos.PA_DATA_element']).map((p) => Number(obj(p)?.['kerberos.padata_type']));
}

const ELEMENTS = [
  'kerberos.as_req_element',
  'kerberos.tgs_req_element',
  'kerberos.as_rep_element',
  'kerberos.tgs_rep_element',
  'kerberos.krb_error_element',
  'kerberos.ap_req_element',
  'kerberos.ap_rep_element',
];

function summarise(e: Record<string, J>): TsharkKrb {
  const r: TsharkKrb = { msgType: Number(e['kerberos.msg_type']) };
  const num = (k: string): number | undefined => (e[k] === undefined ? undefined : Number(e[k]));
  if (r.msgType === 30) {
    r.errorCode = num('kerberos.error_code');
    r.stime = tsharkTime(String(e['kerberos.stime']));
    r.susec = num('kerberos.susec');
    if (e['kerberos.ctime'] !== undefined) r.ctime = tsharkTime(String(e['kerberos.ctime']));
    r.realm = str(e['kerberos.realm']);
    r.crealm = str(e['kerberos.crealm']);
    r.cname = principal(e['kerberos.cname_element'], 'cname');
    r.sname = principal(e['kerberos.sname_element'], 'sname');
    r.eText = str(e['kerberos.e_text']);
  } else if (r.msgType === 10 || r.msgType === 12) {
    r.padataTypes = padata(e) ?? [];
    const b = obj(e['kerberos.req_body_element']) ?? {};
    r.realm = str(b['kerberos.realm']);
    r.cname = principal(b['kerberos.cname_element'], 'cname');
    r.sname = principal(b['kerberos.sname_element'], 'sname');
    r.nonce = b['kerberos.nonce'] === undefined ? undefined : Number(b['kerberos.nonce']);
    const ko = str(b['kerberos.kdc_options']);
    if (ko) r.kdcOptions = parseInt(ko.replace(/:/g, '').slice(0, 8).padEnd(8, '0'), 16);
    if (b['kerberos.till'] !== undefined) r.till = tsharkTime(String(b['kerberos.till']));
    r.etypes = arr(obj(b['kerberos.kdc-req-body.etype_tree'])?.['kerberos.ENCTYPE']).map(Number);
  } else if (r.msgType === 11 || r.msgType === 13) {
    r.padataTypes = padata(e) ?? [];
    r.crealm = str(e['kerberos.crealm']);
    r.cname = principal(e['kerberos.cname_element'], 'cname');
    const t = obj(e['kerberos.ticket_element']) ?? {};
    r.ticketRealm = str(t['kerberos.realm']);
    r.ticketSname = principal(t['kerberos.sname_element'], 'sname');
    const ep = obj(e['kerberos.enc_part_element']);
    if (ep) r.encEtype = Number(ep['kerberos.etype']);
  } else if (r.msgType === 14) {
    const t = obj(e['kerberos.ticket_element']) ?? {};
    r.ticketRealm = str(t['kerberos.realm']);
    r.ticketSname = principal(t['kerberos.sname_element'], 'sname');
  }
  return r;
}

function collect(node: J, out: TsharkKrb[]): void {
  if (Array.isArray(node)) {
    for (const n of node) collect(n, out);
    return;
  }
  const o = obj(node);
  if (!o) return;
  for (const [k, v] of Object.entries(o)) {
    if (ELEMENTS.includes(k)) {
      for (const e of arr(v)) {
        const eo = obj(e);
        if (eo) out.push(summarise(eo));
      }
    } else collect(v, out);
  }
}

/** Per frame: the Kerberos messages tshark decodes in it (depth-first, in tree order). */
export function tsharkKerberos(file: string, filter: string): Map<number, TsharkKrb[]> {
  const json = JSON.parse(tshark(['-r', file, '-Y', filter, '-T', 'json', '--no-duplicate-keys']) || '[]') as J[];
  const res = new Map<number, TsharkKrb[]>();
  for (const pkt of json) {
    const layers = obj(obj(obj(pkt)?.['_source'])?.['layers']) ?? {};
    const frame = Number(obj(layers['frame'])?.['frame.number']);
    const msgs: TsharkKrb[] = [];
    collect(layers['kerberos'], msgs);
    if (msgs.length) res.set(frame, msgs);
  }
  return res;
}
