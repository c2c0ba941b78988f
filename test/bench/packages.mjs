#!/usr/bin/env node
/**
 * Measurements behind docs/decisions/0001..0003 (live capture binding, pcap-parser as an oracle,
 * buffer-layout). Run: `node test/bench/packages.mjs [pcap-parser] [buffer-layout] [live]`
 * (all sections when none is named). Scratch files go to $BENCH_DIR (default /tmp/rdpdiag-bench).
 * The live section needs root (it creates a veth pair without addresses in the root namespace and
 * removes it) and measures `cap` only when $CAP_DIR (default /tmp/captest/node_modules/cap) holds a
 * built copy: install it OUTSIDE the repo, e.g. `mkdir /tmp/captest && cd /tmp/captest &&
 * npm init -y && npm install --no-save cap`.
 */
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import { closeSync, createReadStream, existsSync, mkdirSync, openSync, readFileSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const BENCH_DIR = process.env.BENCH_DIR ?? '/tmp/rdpdiag-bench';
const CAP_DIR = process.env.CAP_DIR ?? '/tmp/captest/node_modules/cap';
const wanted = new Set(process.argv.slice(2));
const run = (name) => wanted.size === 0 || wanted.has(name);
mkdirSync(BENCH_DIR, { recursive: true });

const now = () => Number(process.hrtime.bigint()) / 1e9;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : n.toFixed(0));

console.log(`# machine: ${cpus().length} CPU x ${cpus()[0]?.model}, node ${process.version}, ${process.platform}/${process.arch}`);

// ---------------------------------------------------------------------------------------------
// Synthetic classic pcap files
// ---------------------------------------------------------------------------------------------
/** Deterministic Ethernet/IPv4/TCP frames; sizeOf(i) gives the frame length. */
function writePcap(path, targetBytes, sizeOf, { magic = 0xa1b2c3d4 } = {}) {
  if (existsSync(path) && statSync(path).size >= targetBytes) return;
  const fd = openSync(path, 'w');
  const gh = Buffer.alloc(24);
  gh.writeUInt32LE(magic, 0);
  gh.writeUInt16LE(2, 4);
  gh.writeUInt16LE(4, 6);
  gh.writeUInt32LE(262144, 16);
  gh.writeUInt32LE(1, 20);
  writeSync(fd, gh);
  const chunk = Buffer.alloc(4 << 20);
  let used = 0;
  let total = 24;
  let i = 0;
  while (total < targetBytes) {
    const len = sizeOf(i);
    if (used + 16 + len > chunk.length) {
      writeSync(fd, chunk, 0, used);
      used = 0;
    }
    chunk.writeUInt32LE(1_700_000_000 + Math.floor(i / 1000), used);
    chunk.writeUInt32LE((i % 1000) * 1000, used + 4);
    chunk.writeUInt32LE(len, used + 8);
    chunk.writeUInt32LE(len, used + 12);
    const p = used + 16;
    chunk.fill(0, p, p + len);
    chunk.writeUInt16BE(0x0800, p + 12);
    chunk[p + 14] = 0x45;
    chunk.writeUInt16BE(len - 14, p + 16);
    chunk[p + 23] = 6;
    chunk.writeUInt32BE(0x0a000001, p + 26);
    chunk.writeUInt32BE(0x0a000002, p + 30);
    chunk.writeUInt16BE(40000 + (i % 50), p + 34);
    chunk.writeUInt16BE(3389, p + 36);
    used += 16 + len;
    total += 16 + len;
    i++;
  }
  writeSync(fd, chunk, 0, used);
  closeSync(fd);
}
let seed = 12345;
const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
const mixedSize = () => {
  const r = rnd();
  return r < 0.4 ? 66 : r < 0.8 ? 1514 : 60 + Math.floor(rnd() * 1454);
};

/** pcap-parser over a file: resolves with counts, first error and whether 'end' came. */
function viaPcapParser(path) {
  const pcapp = require('pcap-parser');
  return new Promise((resolve) => {
    const p = pcapp.parse(path);
    let packets = 0;
    let bytes = 0;
    let error = null;
    let maxBuffered = 0;
    p.on('packet', (pkt) => {
      packets++;
      bytes += pkt.data.length;
    });
    p.on('packetHeader', () => {
      if (p.buffer && p.buffer.length > maxBuffered) maxBuffered = p.buffer.length;
    });
    p.stream.on('data', () => {
      if (p.buffer && p.buffer.length > maxBuffered) maxBuffered = p.buffer.length;
    });
    p.on('error', (e) => (error ??= e.message));
    p.on('end', () => resolve({ packets, bytes, error, maxBuffered }));
  });
}

/** The minimal hand-written reader: stream chunks, DataView over the header, carry the tail. */
function viaDataView(path, onRecord = null) {
  return new Promise((resolve) => {
    const s = createReadStream(path, { highWaterMark: 1 << 20 });
    let carry = null;
    let header = true;
    let le = true;
    let packets = 0;
    let bytes = 0;
    let touched = 0;
    s.on('data', (chunk) => {
      let buf = chunk;
      if (carry) {
        buf = Buffer.concat([carry, chunk]);
        carry = null;
      }
      const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
      let off = 0;
      if (header) {
        if (buf.length < 24) {
          carry = buf;
          return;
        }
        const m = dv.getUint32(0, true);
        le = m === 0xa1b2c3d4;
        off = 24;
        header = false;
      }
      while (off + 16 <= buf.length) {
        const caplen = dv.getUint32(off + 8, le);
        if (off + 16 + caplen > buf.length) break;
        bytes += caplen;
        if (onRecord) onRecord(buf.subarray(off + 16, off + 16 + caplen), dv.getUint32(off, le), dv.getUint32(off + 4, le));
        else touched += buf[off + 16] ?? 0;
        packets++;
        off += 16 + caplen;
      }
      if (off < buf.length) carry = buf.subarray(off);
    });
    s.on('end', () => resolve({ packets, bytes, touched, leftover: carry ? carry.length : 0 }));
  });
}

async function timeIt(fn, path, runs = 3) {
  await fn(path); // warm the page cache and the JIT
  const times = [];
  let result;
  for (let i = 0; i < runs; i++) {
    const t = now();
    result = await fn(path);
    times.push(now() - t);
  }
  return { ...result, seconds: median(times) };
}

if (run('pcap-parser')) {
  console.log('\n## pcap-parser 0.2.1 vs a DataView loop (classic µs pcap, median of 3 after a warm-up)');
  const files = [
    ['mixed sizes (40% 66 B, 40% 1514 B, 20% 60..1514 B)', join(BENCH_DIR, 'mixed.pcap'), mixedSize],
    ['small frames (64 B)', join(BENCH_DIR, 'small.pcap'), () => 64],
  ];
  for (const [label, path, sizeOf] of files) {
    writePcap(path, 100 * 1024 * 1024, sizeOf);
    const mb = statSync(path).size / 1e6;
    const a = await timeIt(viaPcapParser, path);
    const b = await timeIt(viaDataView, path);
    let seen = 0;
    const c = await timeIt((f) => viaDataView(f, (view, sec) => (seen += view.length + sec)), path);
    if (a.packets !== b.packets || a.bytes !== b.bytes) console.log(`  !! disagreement: ${a.packets}/${a.bytes} vs ${b.packets}/${b.bytes}`);
    console.log(`- ${label}: ${mb.toFixed(1)} MB, ${b.packets} records`);
    console.log(`  pcap-parser: ${a.seconds.toFixed(3)} s = ${fmt(a.packets / a.seconds)} packets/s, ${(mb / a.seconds).toFixed(0)} MB/s`);
    console.log(`  DataView   : ${b.seconds.toFixed(3)} s = ${fmt(b.packets / b.seconds)} packets/s, ${(mb / b.seconds).toFixed(0)} MB/s (x${(a.seconds / b.seconds).toFixed(1)})`);
    console.log(`  DataView + one subarray view and a callback per record: ${c.seconds.toFixed(3)} s = ${fmt(c.packets / c.seconds)} packets/s (x${(a.seconds / c.seconds).toFixed(1)} faster than pcap-parser)`);
  }

  console.log('\n## pcap-parser on formats and damage (small files)');
  const small = join(BENCH_DIR, 'small-1k.pcap');
  writePcap(small, 100_000, mixedSize);
  const ok = await viaPcapParser(small);
  const good = await viaDataView(small);
  console.log(`- intact: ${ok.packets} packets (DataView loop: ${good.packets}), error: ${ok.error}`);

  const ns = join(BENCH_DIR, 'ns.pcap');
  writePcap(ns, 10_000, () => 100, { magic: 0xa1b23c4d });
  const rNs = await viaPcapParser(ns);
  console.log(`- nanosecond pcap (magic a1b23c4d): packets ${rNs.packets}, error: ${rNs.error}`);

  const ng = join(BENCH_DIR, 'min.pcapng');
  const shb = Buffer.alloc(28);
  shb.writeUInt32LE(0x0a0d0d0a, 0);
  shb.writeUInt32LE(28, 4);
  shb.writeUInt32LE(0x1a2b3c4d, 8);
  shb.writeUInt16LE(1, 12);
  shb.writeBigInt64LE(-1n, 16);
  shb.writeUInt32LE(28, 24);
  writeFileSync(ng, shb);
  const rNg = await viaPcapParser(ng);
  console.log(`- pcapng (SHB only): packets ${rNg.packets}, error: ${rNg.error}`);

  const cut = join(BENCH_DIR, 'cut.pcap');
  writeFileSync(cut, readFileSync(small));
  truncateSync(cut, statSync(cut).size - 10);
  const rCut = await viaPcapParser(cut);
  const dCut = await viaDataView(cut);
  console.log(`- last record cut by 10 bytes: pcap-parser ${rCut.packets} packets, error: ${rCut.error}, 'end' emitted; bytes left unparsed (DataView loop sees them): ${dCut.leftover}`);

  const corrupt = join(BENCH_DIR, 'corrupt.pcap');
  const big = join(BENCH_DIR, 'corrupt-src.pcap');
  writePcap(big, 20 * 1024 * 1024, mixedSize);
  const buf = readFileSync(big);
  buf.writeUInt32LE(0x7fffffff, 24 + 8); // first record's incl_len
  writeFileSync(corrupt, buf);
  const ab0 = process.memoryUsage().arrayBuffers;
  const t = now();
  const rCor = await viaPcapParser(corrupt);
  console.log(
    `- first record incl_len = 0x7fffffff in a ${(buf.length / 1e6).toFixed(1)} MB file: packets ${rCor.packets}, error: ${rCor.error}, ` +
      `largest internal buffer ${(rCor.maxBuffered / 1e6).toFixed(1)} MB (whole file), ${(now() - t).toFixed(2)} s ` +
      `(each 64 KiB chunk is concatenated with everything before it: quadratic copying), arrayBuffers +${((process.memoryUsage().arrayBuffers - ab0) / 1e6).toFixed(1)} MB`,
  );
}

// ---------------------------------------------------------------------------------------------
// buffer-layout vs DataView on a fixed 8-byte structure (RDP_NEG_REQ shape)
// ---------------------------------------------------------------------------------------------
if (run('buffer-layout')) {
  console.log('\n## buffer-layout 1.2.2 vs DataView: decode of an 8-byte structure (u8 type, u8 flags, u16le length, u32le requestedProtocols)');
  const BL = require('buffer-layout');
  const layout = BL.struct([BL.u8('type'), BL.u8('flags'), BL.u16('length'), BL.u32('requestedProtocols')]);
  const N = 5_000_000;
  const data = Buffer.alloc(1 << 16);
  for (let i = 0; i < data.length; i++) data[i] = (i * 31) & 0xff;
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const out = { type: 0, flags: 0, length: 0, requestedProtocols: 0 };
  let sink = 0;
  const variants = {
    'buffer-layout decode(buf, off)': () => {
      for (let i = 0; i < N; i++) {
        const o = layout.decode(data, (i * 8) & 0xfff8);
        sink += o.requestedProtocols;
      }
    },
    'DataView into a reused object': () => {
      for (let i = 0; i < N; i++) {
        const off = (i * 8) & 0xfff8;
        out.type = dv.getUint8(off);
        out.flags = dv.getUint8(off + 1);
        out.length = dv.getUint16(off + 2, true);
        out.requestedProtocols = dv.getUint32(off + 4, true);
        sink += out.requestedProtocols;
      }
    },
    'DataView into a new object': () => {
      for (let i = 0; i < N; i++) {
        const off = (i * 8) & 0xfff8;
        const o = { type: dv.getUint8(off), flags: dv.getUint8(off + 1), length: dv.getUint16(off + 2, true), requestedProtocols: dv.getUint32(off + 4, true) };
        sink += o.requestedProtocols;
      }
    },
  };
  const results = {};
  for (const [name, fn] of Object.entries(variants)) {
    fn(); // warm-up
    const times = [];
    for (let r = 0; r < 5; r++) {
      const t = now();
      fn();
      times.push(now() - t);
    }
    results[name] = N / median(times);
  }
  const base = results['DataView into a reused object'];
  for (const [name, ops] of Object.entries(results)) console.log(`- ${name}: ${fmt(ops)} decodes/s${ops === base ? '' : ` (${(base / ops).toFixed(1)}x slower than the reused-object DataView)`}`);
  let u8err = 'accepted';
  try {
    layout.decode(new Uint8Array(8), 0);
  } catch (e) {
    u8err = `throws ${e.constructor.name}: ${e.message}`;
  }
  console.log(`- decode(Uint8Array) (not a Buffer): ${u8err}`);
  let shortErr = 'no error';
  try {
    layout.decode(Buffer.alloc(5), 0);
  } catch (e) {
    shortErr = `throws ${e.constructor.name}: ${e.message}`;
  }
  console.log(`- decode of a 5-byte Buffer: ${shortErr}  (checksum ${sink & 0xff})`);
}

// ---------------------------------------------------------------------------------------------
// Live capture bindings: node_pcap and cap, on a veth pair fed by pcap_inject
// ---------------------------------------------------------------------------------------------
function sh(cmd, args) {
  return spawnSync(cmd, args, { encoding: 'utf8' });
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function udpFrame(len, i) {
  const f = Buffer.alloc(len);
  f.fill(0xff, 0, 6);
  f.writeUInt16BE(0x0800, 12);
  f[14] = 0x45;
  f.writeUInt16BE(len - 14, 16);
  f[22] = 64;
  f[23] = 17;
  f.writeUInt32BE(0x0a630001, 26);
  f.writeUInt32BE(0x0a630002, 30);
  f.writeUInt16BE(40000, 34);
  f.writeUInt16BE(9, 36);
  f.writeUInt16BE(len - 34, 38);
  f.writeUInt32BE(i, 42);
  return f;
}

/**
 * Per round: inject K frames on the peer while JavaScript is busy (they queue in the capture
 * ring), then time the burst of callbacks from the first to the last frame.
 */
async function measureBurst(label, injector, counter, K = 800, rounds = 15) {
  const per = [];
  for (let r = 0; r < rounds; r++) {
    counter.reset();
    for (let i = 0; i < K; i++) injector(udpFrame(120, i));
    const deadline = Date.now() + 3000;
    while (counter.n < K && Date.now() < deadline) await sleep(5);
    if (counter.n >= K) per.push((counter.tLast - counter.tFirst) / (K - 1));
  }
  if (per.length === 0) {
    console.log(`- ${label}: no complete round (got ${counter.n} of ${K})`);
    return;
  }
  const p = median(per);
  console.log(`- ${label}: ${fmt(1 / p)} packets/s through the callback (${(p * 1e9).toFixed(0)} ns/packet, median of ${per.length} bursts of ${K})`);
}

function makeCounter() {
  const c = {
    n: 0,
    tFirst: 0,
    tLast: 0,
    reset() {
      c.n = 0;
    },
    hit() {
      const t = now();
      if (c.n === 0) c.tFirst = t;
      c.tLast = t;
      c.n++;
    },
  };
  return c;
}

if (run('live')) {
  console.log('\n## live capture bindings (veth pair, 120-byte frames injected with pcap_inject on the peer)');
  if (process.getuid?.() !== 0) {
    console.log('- skipped: needs root');
  } else {
    const A = `rlvb${process.pid % 1000}a`;
    const B = `rlvb${process.pid % 1000}b`;
    sh('ip', ['link', 'del', A]);
    const made = sh('ip', ['link', 'add', A, 'type', 'veth', 'peer', 'name', B]);
    if (made.status !== 0) {
      console.log(`- skipped: cannot create a veth pair: ${made.stderr.trim()}`);
    } else {
      try {
        for (const d of [A, B]) {
          sh('sysctl', ['-q', '-w', `net.ipv6.conf.${d}.disable_ipv6=1`]);
          sh('ip', ['link', 'set', d, 'up']);
        }
        await sleep(200);
        const pcap = require('pcap');
        pcap.warningHandler = () => {};
        const inj = pcap.createSession(B, { filter: 'less 1', buffer_size: 1 << 20 });
        const injector = (f) => inj.inject(f);

        // node_pcap with rdpdiag's settings (TPACKET_V3, 100 ms block timeout).
        {
          const c = makeCounter();
          const s = pcap.createSession(A, { buffer_size: 64 << 20, snap_length: 262144, buffer_timeout: 100, filter: 'udp' });
          let dv = null;
          let hdr = null;
          let sum = 0;
          s.on('packet', (p) => {
            if (p.header !== hdr) {
              hdr = p.header;
              dv = new DataView(hdr.buffer, hdr.byteOffset, 16);
            }
            sum += dv.getUint32(0, true) + dv.getUint32(4, true) + dv.getUint32(8, true) + dv.getUint32(12, true) + p.buf[0];
            c.hit();
          });
          await sleep(100);
          await measureBurst('node_pcap 3.1.0 (header: ts sec/usec, caplen, len)', injector, c);
          const st = s.stats();
          console.log(`  stats(): ${JSON.stringify(st)} (checksum ${sum & 0xff})`);
          s.close();
          inj.inject(udpFrame(120, 0)); // node_pcap releases its handle at the next packet
          await sleep(150);
        }

        if (existsSync(CAP_DIR)) {
          let Cap;
          try {
            Cap = require(CAP_DIR).Cap;
          } catch (e) {
            console.log(`- cap: cannot load from ${CAP_DIR}: ${e.message}`);
          }
          if (Cap) {
            const c = makeCounter();
            const cap = new Cap();
            const buf = Buffer.alloc(65535);
            const linkType = cap.open(A, 'udp', 64 << 20, buf);
            let sum = 0;
            cap.on('packet', (nbytes, trunc) => {
              sum += nbytes + buf[0];
              c.hit();
            });
            await measureBurst(`cap 0.2.1 (callback args: nbytes, truncated; link type ${linkType})`, injector, c);
            console.log(`  methods on a Cap: ${Object.getOwnPropertyNames(Object.getPrototypeOf(cap)).filter((m) => m !== 'constructor').join(', ')}; stats(): ${typeof cap.stats} (checksum ${sum & 0xff})`);
            cap.close();
          }
        } else {
          console.log(`- cap: not measured (no built copy at ${CAP_DIR})`);
        }
        inj.close();
      } finally {
        sh('ip', ['link', 'del', A]);
      }
    }
  }
}
// node_pcap keeps the process alive until its handles see a packet: exit explicitly.
process.exit(0);
