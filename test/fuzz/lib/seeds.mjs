/**
 * Seeds, built at run time from the public corpus (../shared/captures/public) and the project's
 * lab captures (captures/lab), into test/fuzz/.cache/seeds/<kind>/ (git-ignored; never committed).
 *
 * Every capture is read with the project's own reader and traffic engine; the reassembled,
 * in-order bytes of each followed TCP connection (with gap notices) and each UDP flow's datagrams
 * are recorded in the chunk format of lib/chunks.mjs, per protocol:
 *   rdp      3389 / X.224 streams (TPKT, X.224, MCS in the clear, the TLS records after the upgrade)
 *   tls      the TLS records (443, TLS on 3389 after the upgrade, TLS elsewhere)
 *   credssp  decrypted TLS plaintext of RDP up to the end of CredSSP (lab captures have key logs)
 *   rdp-pdu  decrypted plaintext after CredSSP (MCS connect/GCC, licensing, share PDUs)
 *   rdg      decrypted gateway plaintext (HTTP, WebSocket, MS-TSGU) and plain HTTP streams
 *   kerberos TCP 88 streams, UDP 88 datagrams and KKDCP bodies
 *   rdpudp   UDP 3389/3391 datagrams
 * and the files themselves (their first bytes, decompressed) per container format for the reader
 * targets (pcap, pcapng, netmon, erf, ngsniffer) and the whole pipeline, and the key logs.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { encodeChunk, encodeGap } from './chunks.mjs';
import { concat } from './mutate.mjs';
import { FUZZ_DIR, REPO } from './paths.mjs';

export const CACHE = join(FUZZ_DIR, '.cache', 'seeds');
export const CORPUS = join(REPO, '..', 'shared', 'captures', 'public');
export const LAB = join(REPO, 'captures', 'lab');
const STREAM_CAP = 32 * 1024;
const FILE_CAP = 64 * 1024;
const PIPELINE_CAP = 128 * 1024;
const PER_KIND = 400;
const CAPTURE_EXT = /\.(pcap|pcapng|cap|ntar|erf|gz|enc|trc|snoop)$/i;

const dist = (p) => import(new URL(`../../../dist/${p}`, import.meta.url).href);

class Recorder {
  constructor(kind, out) {
    this.kind = kind;
    this.out = out;
    this.parts = [];
    this.bytes = 0;
    out.recorders.push(this);
  }
  data(dir, d) {
    if (this.bytes >= STREAM_CAP || d.length === 0) return;
    const part = d.subarray(0, STREAM_CAP - this.bytes);
    for (const c of encodeChunk(dir, part)) this.parts.push(c);
    this.bytes += part.length;
  }
  gap(dir, length) {
    if (this.bytes >= STREAM_CAP) return;
    this.parts.push(encodeGap(dir, length));
  }
  seed() {
    return this.bytes > 0 ? concat(...this.parts) : null;
  }
}

function captureFiles() {
  const out = [];
  const walk = (dir) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (CAPTURE_EXT.test(e.name) && statSync(p).size <= 20 << 20) out.push(p);
    }
  };
  walk(CORPUS);
  walk(LAB);
  return out.sort();
}

function keylogFor(p) {
  const base = p.replace(/(\.gz)?\.[^./]+$/, '');
  const cands = [`${base}.keylog`, `${p}.nss-keylog.txt`, `${base.replace(/-(client|server)$/, '')}.keylog`];
  return cands.filter((c) => existsSync(c));
}

function keylogFiles() {
  const out = [];
  const walk = (dir) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.keylog$|keylog\.txt$/.test(e.name)) out.push(p);
    }
  };
  walk(CORPUS);
  walk(LAB);
  return out.sort();
}

const noop = () => {};

async function streamsOf(path, m) {
  const out = { recorders: [] };
  const secrets = new m.Secrets();
  for (const k of keylogFor(path)) {
    try {
      secrets.addKeyLogFile(k);
    } catch {
      /* unreadable key log: no decryption */
    }
  }
  const factory = secrets.factory;

  const innerPlaintext = () => {
    // Decrypted RDP: CredSSP first (0x30) until it ends, then RDP PDUs (as session/inner-rdp.ts).
    const cred = new Recorder('credssp', out);
    const pdu = new Recorder('rdp-pdu', out);
    const mode = [0, 0];
    const dec = new m.CredSspStreamDecoder(noop, { decrypted: true, onEnd: (dir, rest) => { mode[dir] = 2; pdu.data(dir, rest); }, onAfterEnd: (dir, d) => pdu.data(dir, d) });
    return {
      push(dir, d, info) {
        if (d.length === 0) return;
        if (mode[dir] === 0) mode[dir] = d[0] === 0x30 ? 1 : 2;
        if (mode[dir] === 1) {
          cred.data(dir, d);
          dec.push(dir, d, info);
        } else pdu.data(dir, d);
      },
      gap(dir, info) {
        (mode[dir] === 1 ? cred : pdu).gap(dir, 1);
        if (mode[dir] === 1) dec.gap(dir, 1, info);
      },
    };
  };

  const rdpChain = (rec) => {
    const tlsRec = new Recorder('tls', out);
    let inner = null;
    const tls = new m.TlsStreamDecoder(noop, {
      decryption: factory,
      onPlaintext: (dir, d, info) => (inner ??= innerPlaintext()).push(dir, d, info),
      onPlaintextGap: (dir, info) => (inner ??= innerPlaintext()).gap(dir, info),
    });
    const rdp = new m.RdpStreamDecoder(noop, {
      onUpgrade: (dir, rest, info) => {
        tlsRec.data(dir, rest);
        tls.push(dir, rest, info);
      },
    });
    return {
      push(dir, d, info) {
        rec.data(dir, d);
        rdp.push(dir, d, info);
      },
      gap(dir, len, info) {
        rec.gap(dir, len);
        if (rdp.isUpgraded(dir)) {
          tlsRec.gap(dir, len);
          tls.gap(dir, len, info);
        } else rdp.gap(dir, len, info);
      },
      end(dir, info) {
        if (rdp.isUpgraded(dir)) tls.end(dir, info);
        else rdp.end(dir, info);
      },
    };
  };

  const gatewayChain = () => {
    const tlsRec = new Recorder('tls', out);
    let rdg = null;
    let rdgRec = null;
    let innerRdp = null;
    const krb = new Recorder('kerberos', out);
    const rdgDec = () => {
      rdgRec ??= new Recorder('rdg', out);
      rdg ??= new m.RdgStreamDecoder(noop, {
        decrypted: true,
        onAuthEvent: noop,
        onInnerData: (dir, d, info) => (innerRdp ??= rdpChain(new Recorder('rdp', out))).push(dir, d, info),
        onKdcProxy: (dir, body) => krb.data(dir, body),
      });
      return rdg;
    };
    const tls = new m.TlsStreamDecoder(noop, {
      decryption: factory,
      onPlaintext: (dir, d, info) => {
        rdgDec();
        rdgRec.data(dir, d);
        rdg.push(dir, d, info);
      },
      onPlaintextGap: (dir, info) => {
        rdgDec();
        rdgRec.gap(dir, 1);
        rdg.gap(dir, 1, info);
      },
    });
    return {
      push(dir, d, info) {
        tlsRec.data(dir, d);
        tls.push(dir, d, info);
      },
      gap(dir, len, info) {
        tlsRec.gap(dir, len);
        tls.gap(dir, len, info);
      },
      end(dir, info) {
        tls.end(dir, info);
      },
    };
  };

  const plain = (kind) => {
    const rec = new Recorder(kind, out);
    return { push: (dir, d) => rec.data(dir, d), gap: (dir, len) => rec.gap(dir, len), end: noop };
  };
  const datagrams = (kind) => {
    const rec = new Recorder(kind, out);
    return { datagram: (dir, d) => rec.data(dir, d) };
  };

  const hooks = {
    followTcp(conn, first, fromClient) {
      const sp = conn.server.port;
      if (sp === 3389 || (fromClient && m.looksLikeX224Request(first)) || (!fromClient && m.looksLikeX224Confirm(first))) return rdpChain(new Recorder('rdp', out));
      if (sp === 443 || (fromClient && m.looksLikeTlsHandshake(first))) return gatewayChain();
      if (sp === 88) return plain('kerberos');
      const head = Buffer.from(first.subarray(0, 8)).toString('latin1');
      if (/^(GET |POST |RDG_|HTTP\/|CONNECT |RPC_IN)/.test(head)) return plain('rdg');
      return null;
    },
    followUdp(conn) {
      const sp = conn.server.port;
      if (sp === 88) return datagrams('kerberos');
      if (sp === 3389 || sp === 3391) return datagrams('rdpudp');
      return null;
    },
  };
  const engine = new m.TrafficEngine(hooks);
  const summary = await new m.FileSource(path, 0).run({
    frame: (f) => engine.frame(f),
    issue: noop,
    interface: noop,
    secrets: (s) => secrets.addEmbedded(s),
  });
  engine.finish();
  return { summary, seeds: out.recorders.map((r) => [r.kind, r.seed()]).filter(([, s]) => s) };
}

/** Builds the seed cache (again with `force`); returns the number of seeds per kind. */
export async function buildSeeds({ force = false, log = () => {} } = {}) {
  const manifest = join(CACHE, 'manifest.json');
  if (!force && existsSync(manifest)) return JSON.parse(readFileSync(manifest, 'utf8'));
  rmSync(CACHE, { recursive: true, force: true });
  const m = {
    ...(await dist('capture/file-source.js')),
    ...(await dist('reassembly/engine.js')),
    ...(await dist('session/secrets.js')),
    ...(await dist('session/session.js')),
    ...(await dist('protocols/tls/tls-decoder.js')),
    ...(await dist('protocols/rdp/rdp-decoder.js')),
    ...(await dist('protocols/credssp/credssp-decoder.js')),
    ...(await dist('protocols/rdg/rdg-decoder.js')),
  };
  const byKind = new Map();
  const add = (kind, b) => {
    let k = byKind.get(kind);
    if (!k) byKind.set(kind, (k = new Map()));
    const h = createHash('sha1').update(b).digest('hex');
    if (!k.has(h)) k.set(h, b);
  };
  const files = captureFiles();
  let n = 0;
  for (const p of files) {
    n++;
    let r;
    try {
      r = await streamsOf(p, m);
    } catch (e) {
      log(`seeds: ${p}: ${e.message}`);
      continue;
    }
    for (const [kind, s] of r.seeds) add(kind, s);
    let raw = readFileSync(p);
    if (r.summary.gzip) {
      try {
        raw = gunzipSync(raw);
      } catch {
        continue;
      }
    }
    const fmt = r.summary.format === 'pcap-ns' ? 'pcap' : r.summary.format;
    if (['pcap', 'pcapng', 'netmon', 'erf', 'ngsniffer'].includes(fmt)) add(fmt, raw.subarray(0, FILE_CAP));
    add('pipeline', raw.subarray(0, PIPELINE_CAP));
    if (n % 50 === 0) log(`seeds: ${n}/${files.length} captures`);
  }
  for (const k of keylogFiles()) add('keylog', readFileSync(k).subarray(0, 16 * 1024));
  const counts = {};
  for (const [kind, seeds] of byKind) {
    const dir = join(CACHE, kind);
    mkdirSync(dir, { recursive: true });
    // Smallest first (cheaper to run and mutate), at most PER_KIND.
    const list = [...seeds.entries()].sort((a, b) => a[1].length - b[1].length || (a[0] < b[0] ? -1 : 1)).slice(0, PER_KIND);
    for (const [h, b] of list) writeFileSync(join(dir, `${h}.bin`), b);
    counts[kind] = list.length;
  }
  writeFileSync(manifest, JSON.stringify(counts, null, 1));
  return counts;
}

/** The seeds of `kind`, in a stable order (at most `max`). */
export function loadSeeds(kind, max = Infinity) {
  const dir = join(CACHE, kind);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .slice(0, max)
    .map((f) => new Uint8Array(readFileSync(join(dir, f))));
}
