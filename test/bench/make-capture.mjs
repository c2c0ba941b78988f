#!/usr/bin/env node
/**
 * Writes a large, deterministic capture of mixed traffic for the benchmark (test/bench/bench.mjs).
 *
 *   node test/bench/make-capture.mjs [--size MB] [--seed N] [--out PATH] [--format pcap|pcapng]
 *                                    [--alive N] [--quiet]
 *
 * Defaults: 400 MB, seed 1, /tmp/rdpdiag-bench/bench.pcap (classic pcap, Ethernet, µs).
 * The same size + seed + format + alive always gives the same bytes (seeded PRNG, no clock,
 * no crypto randomness). A sidecar `<out>.json` records the parameters and what was written.
 *
 * Traffic model: a fixed number of "slots" (default 3000) each holds one live conversation;
 * on every step a random slot advances by one exchange (a handshake packet, a flight of
 * MSS-sized segments with their ACKs, a close…); when a conversation ends a new one takes its
 * slot, so open connections stay bounded while the number of connections grows with the size.
 *
 * Conversations (by share of new slots):
 *  - TCP 80 HTTP-like and TCP 445 opaque request/response, FIN or RST close;
 *  - TCP 443 TLS 1.2 (ECDHE, AES-GCM) and TLS 1.3 handshakes then application records;
 *  - TCP 3389 RDP: X.224 Connection Request (mstshash cookie + RDP_NEG_REQ) / Confirm
 *    (RDP_NEG_RSP, or RDP_NEG_FAILURE then close), TLS 1.2, then many small exchanges; some
 *    reset by the server right after the ClientHello;
 *  - TCP SYNs never answered (retransmitted, some with ICMP host unreachable) or refused (RST);
 *  - UDP DNS query/response, a few large DNS answers split into IPv4 fragments, DNS to a dead
 *    server answered by ICMP port unreachable;
 *  - Kerberos AS-REQ / KRB-ERROR (PREAUTH_REQUIRED) on UDP 88 and TCP 88 (length-prefixed);
 *  - ~10 % of TCP connections over IPv6 (ICMPv6 Packet Too Big now and then), ICMP
 *    fragmentation-needed from a router for some IPv4 TLS segments.
 * Per flight: ~1 % loss then fast retransmission (after duplicate ACKs), ~0.5 % out-of-order,
 * ~0.5 % spurious retransmission, ~0.1 % segment missing from the capture but ACKed.
 * TCP checksums are zero (tshark does not check them by default); IPv4 header, ICMP and ICMPv6
 * checksums are computed; UDP over IPv4 uses checksum 0 (= none).
 */
import { closeSync, mkdirSync, openSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEFAULT_PATH = '/tmp/rdpdiag-bench/bench.pcap';
export const GENERATOR_VERSION = 1;

// ---------------------------------------------------------------------------------------------
// PRNG
// ---------------------------------------------------------------------------------------------
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------------------------------------
// Output: classic pcap or pcapng, large buffered writes
// ---------------------------------------------------------------------------------------------
class CaptureWriter {
  constructor(path, format) {
    this.path = path;
    this.format = format;
    this.fd = openSync(path, 'w');
    this.buf = Buffer.allocUnsafe(16 << 20);
    this.pos = 0;
    this.bytes = 0;
    this.packets = 0;
    if (format === 'pcapng') {
      // Section Header Block
      const b = this.buf;
      b.writeUInt32LE(0x0a0d0d0a, 0);
      b.writeUInt32LE(28, 4);
      b.writeUInt32LE(0x1a2b3c4d, 8);
      b.writeUInt16LE(1, 12);
      b.writeUInt16LE(0, 14);
      b.writeInt32LE(-1, 16);
      b.writeInt32LE(-1, 20);
      b.writeUInt32LE(28, 24);
      // Interface Description Block: Ethernet, snaplen 262144, default µs resolution
      b.writeUInt32LE(1, 28);
      b.writeUInt32LE(20, 32);
      b.writeUInt16LE(1, 36);
      b.writeUInt16LE(0, 38);
      b.writeUInt32LE(262144, 40);
      b.writeUInt32LE(20, 44);
      this.pos = 48;
    } else {
      const b = this.buf;
      b.writeUInt32LE(0xa1b2c3d4, 0);
      b.writeUInt16LE(2, 4);
      b.writeUInt16LE(4, 6);
      b.writeUInt32LE(0, 8);
      b.writeUInt32LE(0, 12);
      b.writeUInt32LE(262144, 16);
      b.writeUInt32LE(1, 20);
      this.pos = 24;
    }
  }

  packet(tsUs, src, off, len) {
    if (this.pos + len + 64 > this.buf.length) this.flush();
    const b = this.buf;
    const p = this.pos;
    if (this.format === 'pcapng') {
      const pad = (4 - (len & 3)) & 3;
      const total = 32 + len + pad;
      b.writeUInt32LE(6, p);
      b.writeUInt32LE(total, p + 4);
      b.writeUInt32LE(0, p + 8);
      const hi = Math.floor(tsUs / 4294967296);
      b.writeUInt32LE(hi, p + 12);
      b.writeUInt32LE(tsUs - hi * 4294967296, p + 16);
      b.writeUInt32LE(len, p + 20);
      b.writeUInt32LE(len, p + 24);
      src.copy(b, p + 28, off, off + len);
      for (let i = 0; i < pad; i++) b[p + 28 + len + i] = 0;
      b.writeUInt32LE(total, p + 28 + len + pad);
      this.pos = p + total;
    } else {
      const sec = Math.floor(tsUs / 1e6);
      b.writeUInt32LE(sec, p);
      b.writeUInt32LE(tsUs - sec * 1e6, p + 4);
      b.writeUInt32LE(len, p + 8);
      b.writeUInt32LE(len, p + 12);
      src.copy(b, p + 16, off, off + len);
      this.pos = p + 16 + len;
    }
    this.packets++;
  }

  get size() {
    return this.bytes + this.pos;
  }

  flush() {
    let o = 0;
    while (o < this.pos) o += writeSync(this.fd, this.buf, o, this.pos - o);
    this.bytes += this.pos;
    this.pos = 0;
  }

  close() {
    this.flush();
    closeSync(this.fd);
  }
}

// ---------------------------------------------------------------------------------------------
// Small encoders (cold: used to build templates per conversation)
// ---------------------------------------------------------------------------------------------
const u8 = (...xs) => Buffer.from(xs);
const u16 = (n) => u8((n >>> 8) & 0xff, n & 0xff);
const u24 = (n) => u8((n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
const cat = (...bs) => Buffer.concat(bs);
const vec8 = (b) => cat(u8(b.length), b);
const vec16 = (b) => cat(u16(b.length), b);
const vec24 = (b) => cat(u24(b.length), b);

// DER
function derLen(n) {
  if (n < 0x80) return u8(n);
  if (n < 0x100) return u8(0x81, n);
  if (n < 0x10000) return u8(0x82, n >> 8, n & 0xff);
  return u8(0x83, n >> 16, (n >> 8) & 0xff, n & 0xff);
}
const tlv = (tag, content) => cat(u8(tag), derLen(content.length), content);
const seq = (...xs) => tlv(0x30, cat(...xs));
const ctx = (n, v) => tlv(0xa0 | n, v);
function derInt(n) {
  const bytes = [];
  let v = n;
  do {
    bytes.unshift(v & 0xff);
    v = Math.floor(v / 256);
  } while (v > 0);
  if (bytes[0] & 0x80) bytes.unshift(0);
  return tlv(0x02, Buffer.from(bytes));
}
const genStr = (s) => tlv(0x1b, Buffer.from(s, 'latin1'));
const genTime = (s) => tlv(0x18, Buffer.from(s, 'latin1'));
const principal = (type, names) => seq(ctx(0, derInt(type)), ctx(1, seq(...names.map(genStr))));

function kerberosAsReq(user, realm, nonce) {
  const body = seq(
    ctx(0, tlv(0x03, u8(0, 0x40, 0x81, 0x00, 0x10))),
    ctx(1, principal(1, [user])),
    ctx(2, genStr(realm)),
    ctx(3, principal(2, ['krbtgt', realm])),
    ctx(5, genTime('20370913024805Z')),
    ctx(6, genTime('20370913024805Z')),
    ctx(7, derInt(nonce)),
    ctx(8, seq(derInt(18), derInt(17), derInt(23), derInt(24), derInt(-135 & 0xff))),
  );
  return tlv(0x6a, seq(ctx(1, derInt(5)), ctx(2, derInt(10)), ctx(4, body)));
}

function kerberosError(realm, code, usec) {
  return tlv(
    0x7e,
    seq(
      ctx(0, derInt(5)),
      ctx(1, derInt(30)),
      ctx(4, genTime('20231114221320Z')),
      ctx(5, derInt(usec)),
      ctx(6, derInt(code)),
      ctx(9, genStr(realm)),
      ctx(10, principal(2, ['krbtgt', realm])),
    ),
  );
}

// A real self-signed RSA-2048 certificate (CN=rdp-bench-01.corp.example), made once with the
// openssl CLI for this benchmark; its key was discarded. Public data only.
const CERT_DER = Buffer.from(
  'MIIDKTCCAhGgAwIBAgIULE+W29UV3QMpYkssHlmvADj//P0wDQYJKoZIhvcNAQELBQAwJDEiMCAGA1UEAwwZcmRwLWJlbmNoLTAxLmNvcnAuZXhhbXBsZTAeFw0yNjExMjQwNDAzMDBaFw0zNjExMjEwNDAzMDBaMCQxIjAgBgNVBAMMGXJkcC1iZW5jaC0wMS5jb3JwLmV4YW1wbGUwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQC9u3CuwnMZmUl32FZxjB8dU4keUfT5fQedVRIZAkTVONzoh0pvBSpFUTvnCedjh6h8WKx9x6+U/krTGnnu36TZgcuh1qAxvrMi0jUOpuqc6EsD93RBFNfyUMr92wbHNe66JnJ+9GmcNGjRVFg6ZPQiAKbhOejiQk0/NhTATgUelsXMk3nEJ3rIvXPLZ+1rOlAO+KQH08MU1y1aNzJLYfprrcfaxsNPVKCq5NJT1vPVEyrywKAnxl9fvvWaUCIKLMNrF1QaWcytj7nWJiUQjzknniWeCay+3+aEetU3oRsEitjbxHR+mE6aXAnYmkFV7werQ6rgzT1nX6LqDDO+098TAgMBAAGjUzBRMB0GA1UdDgQWBBRJOEGJvLFTvGGdwRwXAOWNXD6RoTAfBgNVHSMEGDAWgBRJOEGJvLFTvGGdwRwXAOWNXD6RoTAPBgNVHRMBAf8EBTADAQH/MA0GCSqGSIb3DQEBCwUAA4IBAQA1vo54a2HIU0fit6DTlxpRQvdC1RaFkrY66ZUqNE2r139hGwO53lH+romlclT6Q5hom53Fyc6qQmm5e70Z6LLD0Kh8cPuypB/oOkXpYgEesdl4qC4T1hUL+STpN/w3PxWkfqM4Do2vmGm+h54ZNZL0c6alb6A9iBC5b7E/MNcNs/qpPs7Y6EpWm4KrK/DUa4bAVOYdo/6HXba8NG8+HvOUqIQ7PjmRQRUGPmkPZjaNgoeL2/3E7mPmMff7/Zs4waT6m+dyiXwih85KKp4ruGQENjZ4uKtZeg8c0GBl5wk/cH64AyVWbTwtieeittyiMXAnDPu3dAYeE2gw1mx29+ol',
  'base64',
);

// TLS handshake pieces (protocol-facts §5.1–5.3)
const tlsRecord = (type, version, body) => cat(u8(type), u16(version), vec16(body));
const hsMsg = (type, body) => cat(u8(type), vec24(body));
const ext = (type, data) => cat(u16(type), vec16(data));

function clientHello(rnd, host, tls13) {
  const suites = [0x1302, 0x1303, 0x1301, 0xc02c, 0xc030, 0xc02b, 0xc02f, 0xcca9, 0xcca8, 0x009f, 0x009e, 0x00ff];
  const name = Buffer.from(host, 'latin1');
  const exts = [
    ext(0x0000, vec16(cat(u8(0), vec16(name)))),
    ext(0x000b, u8(1, 0)),
    ext(0x000a, vec16(cat(u16(0x001d), u16(0x0017), u16(0x0018)))),
    ext(0x0023, Buffer.alloc(0)),
    ext(0x0016, Buffer.alloc(0)),
    ext(0x0017, Buffer.alloc(0)),
    ext(0x000d, vec16(cat(...[0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601].map(u16)))),
    ext(0xff01, u8(0)),
  ];
  if (tls13) {
    exts.push(ext(0x002b, vec8(cat(u16(0x0304), u16(0x0303)))));
    exts.push(ext(0x002d, u8(1, 1)));
    exts.push(ext(0x0033, vec16(cat(u16(0x001d), vec16(rnd(32))))));
  }
  const body = cat(u16(0x0303), rnd(32), vec8(rnd(32)), vec16(cat(...suites.map(u16))), u8(1, 0), vec16(cat(...exts)));
  return tlsRecord(22, 0x0301, hsMsg(1, body));
}

/** Server's first flight for TLS 1.2 ECDHE-RSA AES-256-GCM (one record, as Schannel does). */
function server12Flight(rnd) {
  const sh = hsMsg(2, cat(u16(0x0303), rnd(32), vec8(rnd(32)), u16(0xc030), u8(0), vec16(cat(ext(0xff01, u8(0)), ext(0x0017, Buffer.alloc(0)), ext(0x000b, u8(1, 0))))));
  const cert = hsMsg(11, vec24(vec24(CERT_DER)));
  const ske = hsMsg(12, cat(u8(3), u16(0x001d), vec8(rnd(32)), u16(0x0804), vec16(rnd(256))));
  const done = hsMsg(14, Buffer.alloc(0));
  return tlsRecord(22, 0x0303, cat(sh, cert, ske, done));
}
const client12Finish = (rnd) =>
  cat(tlsRecord(22, 0x0303, hsMsg(16, vec8(rnd(32)))), tlsRecord(20, 0x0303, u8(1)), tlsRecord(22, 0x0303, rnd(40)));
const server12Finish = (rnd) =>
  cat(tlsRecord(22, 0x0303, hsMsg(4, cat(u8(0, 0, 0x1c, 0x20), vec16(rnd(192))))), tlsRecord(20, 0x0303, u8(1)), tlsRecord(22, 0x0303, rnd(40)));

function server13Flight(rnd) {
  const sh = hsMsg(2, cat(u16(0x0303), rnd(32), vec8(rnd(32)), u16(0x1302), u8(0), vec16(cat(ext(0x002b, u16(0x0304)), ext(0x0033, cat(u16(0x001d), vec16(rnd(32))))))));
  // EncryptedExtensions + Certificate + CertificateVerify + Finished, encrypted (sizes only)
  const encLen = 6 + CERT_DER.length + 13 + 264 + 52 + 1 + 16;
  return cat(tlsRecord(22, 0x0303, sh), tlsRecord(20, 0x0303, u8(1)), tlsRecord(23, 0x0303, rnd(encLen)));
}
const client13Finish = (rnd) => cat(tlsRecord(20, 0x0303, u8(1)), tlsRecord(23, 0x0303, rnd(36 + 1 + 16)));

// X.224 (protocol-facts §4.1–4.4)
function x224ConnectionRequest(cookieName, requested) {
  const cookie = Buffer.from(`Cookie: mstshash=${cookieName}\r\n`, 'latin1');
  const neg = u8(0x01, 0x00, 0x08, 0x00, requested & 0xff, (requested >>> 8) & 0xff, 0, 0);
  const li = 6 + cookie.length + neg.length;
  return cat(u8(0x03, 0x00), u16(4 + 1 + li), u8(li, 0xe0, 0, 0, 0, 0, 0), cookie, neg);
}
function x224ConnectionConfirm(selected) {
  return u8(0x03, 0x00, 0x00, 0x13, 0x0e, 0xd0, 0x00, 0x00, 0x12, 0x34, 0x00, 0x02, 0x1f, 0x08, 0x00, selected & 0xff, 0, 0, 0);
}
function x224NegFailure(code) {
  return u8(0x03, 0x00, 0x00, 0x13, 0x0e, 0xd0, 0x00, 0x00, 0x12, 0x34, 0x00, 0x03, 0x00, 0x08, 0x00, code & 0xff, 0, 0, 0);
}

// DNS
function dnsName(name) {
  return cat(...name.split('.').map((l) => vec8(Buffer.from(l, 'latin1'))), u8(0));
}
function dnsQuery(id, name, type) {
  return cat(u16(id), u16(0x0100), u16(1), u16(0), u16(0), u16(0), dnsName(name), u16(type), u16(1));
}
function dnsAnswerA(id, name, ip) {
  return cat(u16(id), u16(0x8180), u16(1), u16(1), u16(0), u16(0), dnsName(name), u16(1), u16(1), u16(0xc00c), u16(1), u16(1), u8(0, 0, 0x0e, 0x10), u16(4), ip);
}
function dnsAnswerTxt(id, name, rnd, count) {
  const answers = [];
  for (let i = 0; i < count; i++) {
    const txt = Buffer.from(rnd(200).toString('base64').slice(0, 250), 'latin1');
    answers.push(cat(u16(0xc00c), u16(16), u16(1), u8(0, 0, 1, 0x2c), vec16(vec8(txt))));
  }
  return cat(u16(id), u16(0x8180), u16(1), u16(count), u16(0), u16(0), dnsName(name), u16(16), u16(1), ...answers);
}

// ---------------------------------------------------------------------------------------------
// Checksums (only for the rare packets that need them)
// ---------------------------------------------------------------------------------------------
function sum16(b, off, len, acc = 0) {
  let s = acc;
  let i = 0;
  for (; i + 1 < len; i += 2) s += (b[off + i] << 8) | b[off + i + 1];
  if (i < len) s += b[off + i] << 8;
  return s;
}
const fold = (s) => {
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return ~s & 0xffff;
};

// ---------------------------------------------------------------------------------------------
// The generator
// ---------------------------------------------------------------------------------------------
const ETH_IPV4 = 0x0800;
const ETH_IPV6 = 0x86dd;
const F_FIN = 0x01;
const F_SYN = 0x02;
const F_RST = 0x04;
const F_PSH = 0x08;
const F_ACK = 0x10;

const ITEM_BYTES = 0; // explicit bytes
const ITEM_RECORDS = 1; // TLS records of `type` with random bodies
const ITEM_OPAQUE = 2; // random bytes

/** One direction's pending application bytes: a queue of items, consumed segment by segment. */
class StreamQueue {
  constructor(gen) {
    this.g = gen;
    this.items = [];
    this.head = 0;
    this.remaining = 0;
    // current TLS record state
    this.recHdr = Buffer.alloc(5);
    this.recHdrPos = 5;
    this.recLeft = 0;
  }
  bytes(b) {
    this.items.push({ kind: ITEM_BYTES, buf: b, pos: 0, left: b.length });
    this.remaining += b.length;
  }
  opaque(n) {
    if (n <= 0) return;
    this.items.push({ kind: ITEM_OPAQUE, left: n });
    this.remaining += n;
  }
  /** `payload` bytes of plaintext sent as TLS records with `overhead` bytes added per record. */
  records(type, payload, overhead, maxPlain = 16384) {
    const lens = [];
    let left = payload;
    while (left > 0) {
      const p = Math.min(left, maxPlain);
      lens.push(p + overhead);
      left -= p;
    }
    const total = lens.reduce((a, b) => a + b + 5, 0);
    this.items.push({ kind: ITEM_RECORDS, type, lens, idx: 0, left: total });
    this.remaining += total;
  }
  get empty() {
    return this.remaining === 0;
  }
  /** Writes n bytes of this stream into buf at off. */
  fill(buf, off, n) {
    const g = this.g;
    this.remaining -= n;
    while (n > 0) {
      const it = this.items[this.head];
      if (it.kind === ITEM_BYTES) {
        const k = Math.min(n, it.left);
        it.buf.copy(buf, off, it.pos, it.pos + k);
        it.pos += k;
        it.left -= k;
        off += k;
        n -= k;
      } else if (it.kind === ITEM_OPAQUE) {
        const k = Math.min(n, it.left);
        g.randomInto(buf, off, k);
        it.left -= k;
        off += k;
        n -= k;
      } else {
        if (this.recHdrPos === 5 && this.recLeft === 0) {
          const len = it.lens[it.idx++];
          const h = this.recHdr;
          h[0] = it.type;
          h[1] = 3;
          h[2] = 3;
          h[3] = len >>> 8;
          h[4] = len & 0xff;
          this.recHdrPos = 0;
          this.recLeft = len;
        }
        while (n > 0 && this.recHdrPos < 5) {
          buf[off++] = this.recHdr[this.recHdrPos++];
          n--;
          it.left--;
        }
        const k = Math.min(n, this.recLeft);
        g.randomInto(buf, off, k);
        this.recLeft -= k;
        it.left -= k;
        off += k;
        n -= k;
      }
      if (it.left === 0) {
        this.items[this.head] = undefined;
        this.head++;
        if (this.head === this.items.length) {
          this.items.length = 0;
          this.head = 0;
        }
      }
    }
  }
}

const KIND = {
  http: 'tcp-80',
  smb: 'tcp-445',
  tls: 'tcp-443',
  rdp: 'tcp-3389',
  synFail: 'tcp-syn-fail',
  krbTcp: 'tcp-88',
  dns: 'udp-53',
  dnsFrag: 'udp-53-fragmented',
  dnsDead: 'udp-53-icmp-unreachable',
  krbUdp: 'udp-88',
};

class Generator {
  constructor(opts) {
    this.opts = opts;
    this.rand = mulberry32(opts.seed * 2654435761 + 12345);
    this.pool = Buffer.allocUnsafe(4 << 20);
    const pr = mulberry32(opts.seed ^ 0x5bd1e995);
    for (let i = 0; i < this.pool.length; i += 4) this.pool.writeUInt32LE((pr() * 4294967296) >>> 0, i);
    this.scratch = Buffer.alloc(1 << 20);
    this.sp = 0;
    this.now = 1_700_000_000 * 1e6;
    this.gapUs = 50;
    this.connCounter = 0;
    this.stats = { tcpConnections: 0, udpFlows: 0, kinds: {}, ipv6Connections: 0, retransmissions: 0, outOfOrder: 0, lost: 0, unseen: 0, resets: 0, finCloses: 0, icmp: 0, fragments: 0, maxAlive: 0 };
    this.w = null;
  }

  randInt(n) {
    return Math.floor(this.rand() * n);
  }
  rnd = (n) => {
    const b = Buffer.allocUnsafe(n);
    this.randomInto(b, 0, n);
    return b;
  };
  randomInto(buf, off, n) {
    if (n <= 0) return;
    const s = this.randInt(this.pool.length - n);
    this.pool.copy(buf, off, s, s + n);
  }
  tick() {
    this.now += 1 + this.randInt(this.gapUs * 2);
    return this.now;
  }
  emit(off, len) {
    this.w.packet(this.tick(), this.scratch, off, len);
  }
  alloc(n) {
    if (this.sp + n > this.scratch.length) this.sp = 0;
    const o = this.sp;
    this.sp += n;
    return o;
  }

  // --- addressing -------------------------------------------------------------------------
  newEndpoints(v6, serverPort, serverPool) {
    const n = this.connCounter++;
    const client = n % 4093;
    const port = 49152 + (Math.floor(n / 4093) * 7 + (n % 7)) % 16000;
    const srv = this.randInt(serverPool);
    let cip, sip;
    if (v6) {
      cip = Buffer.from([0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, client >> 8, client & 0xff]);
      sip = Buffer.from([0x20, 0x01, 0x0d, 0xb8, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, serverPort >> 8 & 0xff, (srv + 1) & 0xff]);
    } else {
      cip = Buffer.from([10, 1 + (client >> 8), client & 0xff, 0]);
      cip[3] = 10 + (client % 200);
      sip = Buffer.from([serverPort === 53 || serverPort === 88 ? 10 : 172, serverPort === 53 || serverPort === 88 ? 0 : 16, (serverPort >> 4) & 0xff, 1 + srv]);
    }
    return { v6, cip, sip, cport: port, sport: serverPort };
  }

  /** Ethernet + IP header for a packet of `ipPayload` bytes; returns the offset after it. */
  ipHeader(buf, o, ep, dir, proto, ipPayload, ipId, ttl, fragOff = 0, more = false) {
    const src = dir === 0 ? ep.cip : ep.sip;
    const dst = dir === 0 ? ep.sip : ep.cip;
    // Ethernet: two fixed MACs (the client side's gateway and the server side)
    buf[o] = 0x00; buf[o + 1] = 0x15; buf[o + 2] = 0x5d; buf[o + 3] = 0x01; buf[o + 4] = 0x02; buf[o + 5] = dir === 0 ? 0x0b : 0x0a;
    buf[o + 6] = 0x00; buf[o + 7] = 0x15; buf[o + 8] = 0x5d; buf[o + 9] = 0x01; buf[o + 10] = 0x02; buf[o + 11] = dir === 0 ? 0x0a : 0x0b;
    const v6 = src.length === 16;
    buf.writeUInt16BE(v6 ? ETH_IPV6 : ETH_IPV4, o + 12);
    o += 14;
    if (v6) {
      buf.writeUInt32BE(0x60000000, o);
      buf.writeUInt16BE(ipPayload, o + 4);
      buf[o + 6] = proto;
      buf[o + 7] = ttl;
      src.copy(buf, o + 8);
      dst.copy(buf, o + 24);
      return o + 40;
    }
    buf[o] = 0x45;
    buf[o + 1] = 0;
    buf.writeUInt16BE(20 + ipPayload, o + 2);
    buf.writeUInt16BE(ipId & 0xffff, o + 4);
    buf.writeUInt16BE(fragOff === 0 && !more && proto === 6 ? 0x4000 : (more ? 0x2000 : 0) | (fragOff >> 3), o + 6);
    buf[o + 8] = ttl;
    buf[o + 9] = proto;
    buf[o + 10] = 0;
    buf[o + 11] = 0;
    buf[o + 12] = src[0]; buf[o + 13] = src[1]; buf[o + 14] = src[2]; buf[o + 15] = src[3];
    buf[o + 16] = dst[0]; buf[o + 17] = dst[1]; buf[o + 18] = dst[2]; buf[o + 19] = dst[3];
    let s = 0;
    for (let i = 0; i < 20; i += 2) s += (buf[o + i] << 8) | buf[o + i + 1];
    while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
    buf.writeUInt16BE(~s & 0xffff, o + 10);
    return o + 20;
  }

  // --- conversations ----------------------------------------------------------------------
  newConversation() {
    const r = this.rand();
    const s = this.stats;
    let c;
    if (r < 0.22) c = new TcpConversation(this, KIND.http, 80);
    else if (r < 0.30) c = new TcpConversation(this, KIND.smb, 445);
    else if (r < 0.55) c = new TcpConversation(this, KIND.tls, 443);
    else if (r < 0.65) c = new TcpConversation(this, KIND.rdp, 3389);
    else if (r < 0.67) c = new TcpConversation(this, KIND.synFail, this.rand() < 0.5 ? 3389 : 443);
    else if (r < 0.69) c = new TcpConversation(this, KIND.krbTcp, 88);
    else if (r < 0.93) c = new UdpConversation(this, KIND.dns);
    else if (r < 0.94) c = new UdpConversation(this, KIND.dnsFrag);
    else if (r < 0.95) c = new UdpConversation(this, KIND.dnsDead);
    else c = new UdpConversation(this, KIND.krbUdp);
    s.kinds[c.kind] = (s.kinds[c.kind] ?? 0) + 1;
    return c;
  }

  run(path, targetBytes, format) {
    this.w = new CaptureWriter(path, format);
    const alive = this.opts.alive;
    const slots = new Array(alive);
    for (let i = 0; i < alive; i++) slots[i] = this.newConversation();
    while (this.w.size < targetBytes) {
      const i = this.randInt(alive);
      const c = slots[i];
      if (c.wakeAt > this.now) {
        this.now += 1;
        continue;
      }
      this.sp = 0;
      if (!c.step()) slots[i] = this.newConversation();
    }
    this.stats.maxAlive = alive;
    this.w.close();
    return { packets: this.w.packets, bytes: this.w.bytes };
  }
}

class UdpConversation {
  constructor(g, kind) {
    this.g = g;
    this.kind = kind;
    this.wakeAt = 0;
    this.state = 0;
    const port = kind === KIND.krbUdp ? 88 : 53;
    this.ep = g.newEndpoints(false, port, kind === KIND.dnsDead ? 1 : 3);
    if (kind === KIND.dnsDead) this.ep.sip = Buffer.from([10, 0, 99, 1]);
    this.ipId = [g.randInt(65536), g.randInt(65536)];
    this.id = g.randInt(65536);
    this.name = `host${g.randInt(5000)}.corp.example`;
    g.stats.udpFlows++;
  }

  udp(dir, payload) {
    const g = this.g;
    const ep = this.ep;
    const len = 8 + payload.length;
    const o = g.alloc(14 + 20 + len);
    let p = g.ipHeader(g.scratch, o, ep, dir, 17, len, this.ipId[dir]++, dir === 0 ? 128 : 126);
    const b = g.scratch;
    b.writeUInt16BE(dir === 0 ? ep.cport : ep.sport, p);
    b.writeUInt16BE(dir === 0 ? ep.sport : ep.cport, p + 2);
    b.writeUInt16BE(len, p + 4);
    b.writeUInt16BE(0, p + 6);
    payload.copy(b, p + 8);
    g.emit(o, 14 + 20 + len);
    return o;
  }

  step() {
    const g = this.g;
    const k = this.kind;
    if (this.state === 0) {
      let q;
      if (k === KIND.krbUdp) q = kerberosAsReq(`svc${g.randInt(300)}`, 'CORP.EXAMPLE', g.randInt(0x7fffffff));
      else q = dnsQuery(this.id, this.name, k === KIND.dnsFrag ? 16 : 1);
      const o = this.udp(0, q);
      // keep the IP datagram for an ICMP error to quote (the scratch area is reused)
      if (k === KIND.dnsDead) this.quote = Buffer.from(g.scratch.subarray(o + 14, o + 14 + 20 + 8 + q.length));
      this.state = 1;
      return true;
    }
    if (k === KIND.dns) {
      this.udp(1, dnsAnswerA(this.id, this.name, Buffer.from([172, 16, g.randInt(256), 1 + g.randInt(250)])));
    } else if (k === KIND.krbUdp) {
      this.udp(1, kerberosError('CORP.EXAMPLE', 25, g.randInt(999999)));
    } else if (k === KIND.dnsDead) {
      // ICMP port unreachable from the dead server, quoting the whole query datagram
      const quoted = this.quote;
      const icmpLen = 8 + quoted.length;
      const o = g.alloc(14 + 20 + icmpLen);
      const b = g.scratch;
      const p = g.ipHeader(b, o, this.ep, 1, 1, icmpLen, this.ipId[1]++, 64);
      b[p] = 3;
      b[p + 1] = 3;
      b.writeUInt16BE(0, p + 2);
      b.writeUInt32BE(0, p + 4);
      quoted.copy(b, p + 8);
      b.writeUInt16BE(fold(sum16(b, p, icmpLen)), p + 2);
      g.emit(o, 14 + 20 + icmpLen);
      g.stats.icmp++;
    } else {
      // large TXT answer, split into IPv4 fragments of at most 1480 payload bytes
      const dns = dnsAnswerTxt(this.id, this.name, g.rnd, 10 + g.randInt(6));
      const udpLen = 8 + dns.length;
      const dgram = Buffer.alloc(udpLen);
      dgram.writeUInt16BE(this.ep.sport, 0);
      dgram.writeUInt16BE(this.ep.cport, 2);
      dgram.writeUInt16BE(udpLen, 4);
      dns.copy(dgram, 8);
      const id = this.ipId[1]++;
      for (let off = 0; off < udpLen; off += 1480) {
        const n = Math.min(1480, udpLen - off);
        const o = g.alloc(14 + 20 + n);
        const p = g.ipHeader(g.scratch, o, this.ep, 1, 17, n, id, 126, off, off + n < udpLen);
        dgram.copy(g.scratch, p, off, off + n);
        g.emit(o, 14 + 20 + n);
        g.stats.fragments++;
      }
    }
    return false;
  }
}

class TcpConversation {
  constructor(g, kind, port) {
    this.g = g;
    this.kind = kind;
    this.wakeAt = 0;
    const v6 = kind !== KIND.krbTcp && kind !== KIND.synFail && g.rand() < 0.1;
    this.ep = g.newEndpoints(v6, port, kind === KIND.rdp ? 40 : 120);
    this.v6 = v6;
    this.mss = v6 ? 1440 : 1460;
    this.seq = [(g.rand() * 4294967296) >>> 0, (g.rand() * 4294967296) >>> 0];
    this.ipId = [g.randInt(65536), g.randInt(65536)];
    this.ttl = [128, 116 + g.randInt(8)];
    this.q = [new StreamQueue(g), new StreamQueue(g)];
    this.state = 'syn';
    this.synTries = 0;
    this.script = [];
    this.msg = 0;
    this.hdrLen = 14 + (v6 ? 40 : 20) + 20;
    g.stats.tcpConnections++;
    if (v6) g.stats.ipv6Connections++;
    this.buildScript();
  }

  /** The conversation as a list of [dir, fill(queue)] messages, then how it ends. */
  buildScript() {
    const g = this.g;
    const r = g.rand;
    const s = this.script;
    const size = (lo, hiExp) => Math.floor(lo * Math.pow(10, r() * hiExp));
    this.close = r() < 0.85 ? 'fin' : r() < 0.8 ? 'rst' : 'open';
    this.closer = r() < 0.6 ? 0 : 1;
    switch (this.kind) {
      case KIND.synFail:
        this.failMode = r() < 0.5 ? 'refused' : 'unanswered';
        this.close = 'none';
        break;
      case KIND.http: {
        const n = 1 + g.randInt(3);
        for (let i = 0; i < n; i++) {
          const path = `/static/${g.randInt(100000)}.bin`;
          s.push([0, (q) => q.bytes(Buffer.from(`GET ${path} HTTP/1.1\r\nHost: www${g.randInt(100)}.corp.example\r\nUser-Agent: bench/1.0\r\nAccept: */*\r\n\r\n`, 'latin1'))]);
          const body = size(200, 2.7);
          s.push([1, (q) => {
            q.bytes(Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: ${body}\r\n\r\n`, 'latin1'));
            q.opaque(body);
          }]);
        }
        break;
      }
      case KIND.smb: {
        const n = 2 + g.randInt(7);
        for (let i = 0; i < n; i++) {
          s.push([0, (q) => q.opaque(size(60, 2.5))]);
          s.push([1, (q) => q.opaque(size(60, 3))]);
        }
        break;
      }
      case KIND.krbTcp: {
        const req = kerberosAsReq(`user${g.randInt(2000)}`, 'CORP.EXAMPLE', g.randInt(0x7fffffff));
        const err = kerberosError('CORP.EXAMPLE', r() < 0.8 ? 25 : 6, g.randInt(999999));
        s.push([0, (q) => q.bytes(cat(u8(0, 0), u16(req.length), req))]);
        s.push([1, (q) => q.bytes(cat(u8(0, 0), u16(err.length), err))]);
        this.closer = 1;
        this.close = 'fin';
        break;
      }
      case KIND.tls: {
        const tls13 = r() < 0.5;
        this.tlsHandshake(tls13, `www${g.randInt(100)}.corp.example`);
        const n = 1 + g.randInt(4);
        const ov = tls13 ? 17 : 24;
        for (let i = 0; i < n; i++) {
          s.push([0, (q) => q.records(23, 200 + g.randInt(600), ov)]);
          s.push([1, (q) => q.records(23, size(300, 2.5), ov)]);
        }
        if (this.close === 'fin' && r() < 0.7) s.push([this.closer, (q) => q.records(tls13 ? 23 : 21, 2, ov)]);
        break;
      }
      case KIND.rdp: {
        const v = r();
        const user = `benchuser${g.randInt(500)}`;
        s.push([0, (q) => q.bytes(x224ConnectionRequest(user, 0x0b))]);
        if (v < 0.08) {
          s.push([1, (q) => q.bytes(x224NegFailure(r() < 0.5 ? 5 : 1))]);
          this.close = 'fin';
          this.closer = 1;
          break;
        }
        s.push([1, (q) => q.bytes(x224ConnectionConfirm(2))]);
        if (v < 0.12) {
          // server resets the TLS handshake (Schannel refusing the ClientHello)
          s.push([0, (q) => q.bytes(clientHello(g.rnd, user + '.corp.example', false))]);
          this.close = 'rst';
          this.closer = 1;
          break;
        }
        this.tlsHandshake(false, `rdp${g.randInt(40)}.corp.example`);
        // CredSSP round trips, then RDP: small client input, larger server updates
        for (let i = 0; i < 3; i++) {
          s.push([0, (q) => q.records(23, 60 + g.randInt(500), 24)]);
          s.push([1, (q) => q.records(23, 60 + g.randInt(500), 24)]);
        }
        const n = 5 + g.randInt(36);
        for (let i = 0; i < n; i++) {
          s.push([0, (q) => q.records(23, 20 + g.randInt(200), 24)]);
          s.push([1, (q) => q.records(23, size(40, 2.8), 24)]);
        }
        break;
      }
    }
  }

  tlsHandshake(tls13, host) {
    const g = this.g;
    const s = this.script;
    s.push([0, (q) => q.bytes(clientHello(g.rnd, host, tls13))]);
    if (tls13) {
      s.push([1, (q) => q.bytes(server13Flight(g.rnd))]);
      s.push([0, (q) => q.bytes(client13Finish(g.rnd))]);
      s.push([1, (q) => q.records(23, 240, 17)]);
    } else {
      s.push([1, (q) => q.bytes(server12Flight(g.rnd))]);
      s.push([0, (q) => q.bytes(client12Finish(g.rnd))]);
      s.push([1, (q) => q.bytes(server12Finish(g.rnd))]);
    }
  }

  /** One TCP segment of this conversation; the payload (if any) comes from q[dir]. */
  segment(dir, flags, payloadLen, seqNo, opts = null) {
    const g = this.g;
    const optLen = opts ? opts.length : 0;
    const len = this.hdrLen + optLen + payloadLen;
    const o = g.alloc(len);
    const b = g.scratch;
    const p = g.ipHeader(b, o, this.ep, dir, 6, 20 + optLen + payloadLen, this.ipId[dir]++, this.ttl[dir]);
    b.writeUInt16BE(dir === 0 ? this.ep.cport : this.ep.sport, p);
    b.writeUInt16BE(dir === 0 ? this.ep.sport : this.ep.cport, p + 2);
    b.writeUInt32BE(seqNo >>> 0, p + 4);
    b.writeUInt32BE(flags & F_ACK ? this.seq[1 - dir] >>> 0 : 0, p + 8);
    b[p + 12] = ((20 + optLen) / 4) << 4;
    b[p + 13] = flags;
    b.writeUInt16BE(flags & F_SYN ? 64240 : 1026, p + 14);
    b[p + 16] = 0;
    b[p + 17] = 0;
    b[p + 18] = 0;
    b[p + 19] = 0;
    if (opts) opts.copy(b, p + 20);
    if (payloadLen > 0) this.q[dir].fill(b, p + 20 + optLen, payloadLen);
    return { o, len, seq: seqNo >>> 0, plen: payloadLen };
  }

  ctl(dir, flags, opts = null) {
    const s = this.segment(dir, flags, 0, this.seq[dir], opts);
    this.g.emit(s.o, s.len);
    if (flags & (F_SYN | F_FIN)) this.seq[dir] = (this.seq[dir] + 1) >>> 0;
  }

  /** ACK from `dir` acknowledging `ackNo`. */
  ack(dir, ackNo) {
    const saved = this.seq[1 - dir];
    this.seq[1 - dir] = ackNo;
    const s = this.segment(dir, F_ACK, 0, this.seq[dir]);
    this.seq[1 - dir] = saved;
    this.g.emit(s.o, s.len);
  }

  /** A flight of up to `max` data segments from dir, the receiver's ACKs, with perturbations. */
  flight(dir, max) {
    const g = this.g;
    const q = this.q[dir];
    const segs = [];
    while (segs.length < max && !q.empty) {
      const n = Math.min(this.mss, q.remaining);
      const s = this.segment(dir, q.remaining === n ? F_ACK | F_PSH : F_ACK, n, this.seq[dir]);
      this.seq[dir] = (this.seq[dir] + n) >>> 0;
      segs.push(s);
    }
    const n = segs.length;
    const order = [];
    for (let i = 0; i < n; i++) order.push(i);
    let unseen = -1;
    const r = g.rand();
    if (r >= 0.021) {
      // the common case: in order
    } else if (n >= 3 && r < 0.01) {
      const j = g.randInt(n - 1);
      order.splice(j, 1);
      order.push(j);
      g.stats.lost++;
      g.stats.retransmissions++;
    } else if (n >= 2 && r >= 0.01 && r < 0.015) {
      const j = g.randInt(n - 1);
      order[j] = j + 1;
      order[j + 1] = j;
      g.stats.outOfOrder++;
    } else if (r >= 0.015 && r < 0.02) {
      const j = g.randInt(n);
      order.splice(j + 1, 0, j);
      g.stats.retransmissions++;
    } else if (n >= 2 && r >= 0.02) {
      unseen = g.randInt(n - 1);
      g.stats.unseen++;
    }
    // frag-needed from a router for a full-size IPv4 segment now and then
    const icmpFor = !this.v6 && n > 0 && segs[0].plen === this.mss && g.rand() < 0.002 ? order[0] : -1;
    // the receiver: cumulative ACK, duplicate ACK for every segment above a hole
    const got = new Uint8Array(n);
    let next = 0; // first segment not yet received in order
    let pending = 0;
    const ackAt = (i) => (i < n ? segs[i].seq : this.seq[dir]);
    for (const k of order) {
      const s = segs[k];
      if (k !== unseen) g.emit(s.o, s.len);
      if (k === icmpFor) this.icmpTooBig(dir, s);
      if (got[k]) {
        this.ack(1 - dir, ackAt(next));
        pending = 0;
        continue;
      }
      got[k] = 1;
      if (k !== next) {
        this.ack(1 - dir, ackAt(next)); // duplicate ACK
        pending = 0;
        continue;
      }
      const before = next;
      while (next < n && got[next]) next++;
      pending += next - before;
      if (pending >= 2 || next === n) {
        this.ack(1 - dir, ackAt(next));
        pending = 0;
      }
    }
  }

  icmpTooBig(dir, s) {
    const g = this.g;
    const b = g.scratch;
    const quoteLen = this.v6 ? Math.min(1232, s.len - 14) : 28;
    const icmpLen = 8 + quoteLen;
    const ipLen = this.v6 ? 40 : 20;
    const o = g.alloc(14 + ipLen + icmpLen);
    // from a router on the path to the sender of the segment
    const router = this.v6 ? Buffer.from([0x20, 0x01, 0x0d, 0xb8, 0, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]) : Buffer.from([10, 255, 0, 1]);
    const ep = dir === 0 ? { cip: router, sip: this.ep.cip } : { cip: router, sip: this.ep.sip };
    const p = g.ipHeader(b, o, ep, 0, this.v6 ? 58 : 1, icmpLen, g.randInt(65536), 254);
    b[p] = this.v6 ? 2 : 3;
    b[p + 1] = this.v6 ? 0 : 4;
    b.writeUInt16BE(0, p + 2);
    if (this.v6) b.writeUInt32BE(1280, p + 4);
    else b.writeUInt32BE(1400, p + 4); // unused(2) = 0, next-hop MTU(2)
    b.copy(b, p + 8, s.o + 14, s.o + 14 + quoteLen);
    let sum;
    if (this.v6) {
      sum = sum16(b, o + 14 + 8, 32);
      sum += icmpLen + 58;
      sum = sum16(b, p, icmpLen, sum);
    } else sum = sum16(b, p, icmpLen);
    b.writeUInt16BE(fold(sum), p + 2);
    g.emit(o, 14 + ipLen + icmpLen);
    g.stats.icmp++;
  }

  /** Advances by one exchange; false when the conversation is over. */
  step() {
    const g = this.g;
    switch (this.state) {
      case 'syn': {
        const opts = Buffer.from([2, 4, this.mss >> 8, this.mss & 0xff, 4, 2, 1, 3, 3, 8, 1, 1]);
        this.ctl(0, F_SYN, opts);
        if (this.kind === KIND.synFail && this.failMode === 'unanswered') {
          this.seq[0] = (this.seq[0] - 1) >>> 0;
          this.synTries++;
          if (this.synTries === 1 && g.rand() < 0.3) {
            // host unreachable from the router, quoting the SYN's IP header + 8 bytes
            const sy = this.segment(0, F_SYN, 0, this.seq[0], opts);
            this.icmpUnreachable(sy);
            return false;
          }
          this.wakeAt = g.now + 1e6 * (1 << (this.synTries - 1));
          return this.synTries < 4;
        }
        this.state = 'synack';
        return true;
      }
      case 'synack':
        if (this.kind === KIND.synFail) {
          // connection refused: RST/ACK from the server
          this.rst(1, true);
          return false;
        }
        this.ctl(1, F_SYN | F_ACK, Buffer.from([2, 4, 0x05, 0xb4, 1, 3, 3, 8, 4, 2, 1, 1]));
        this.state = 'ack';
        return true;
      case 'ack':
        this.ctl(0, F_ACK);
        this.state = 'data';
        return true;
      case 'data': {
        if (this.cur === undefined) {
          const m = this.script[this.msg];
          if (m === undefined) {
            this.state = 'close';
            return this.step();
          }
          this.cur = m[0];
          m[1](this.q[this.cur]);
        }
        this.flight(this.cur, 2 + g.randInt(9));
        if (this.q[this.cur].empty) {
          this.cur = undefined;
          this.msg++;
        }
        return true;
      }
      case 'close':
        if (this.close === 'open') return false;
        if (this.close === 'rst') {
          this.rst(this.closer, true);
          return false;
        }
        this.ctl(this.closer, F_FIN | F_ACK);
        this.state = 'fin2';
        return true;
      case 'fin2':
        this.ctl(1 - this.closer, F_FIN | F_ACK);
        this.state = 'fin3';
        return true;
      case 'fin3':
        this.ctl(this.closer, F_ACK);
        g.stats.finCloses++;
        return false;
    }
    return false;
  }

  rst(dir, withAck) {
    const s = this.segment(dir, withAck ? F_RST | F_ACK : F_RST, 0, this.seq[dir]);
    this.g.emit(s.o, s.len);
    this.g.stats.resets++;
  }

  icmpUnreachable(sy) {
    const g = this.g;
    const b = g.scratch;
    const icmpLen = 8 + 28;
    const o = g.alloc(14 + 20 + icmpLen);
    const ep = { cip: Buffer.from([10, 255, 0, 1]), sip: this.ep.cip };
    const p = g.ipHeader(b, o, ep, 0, 1, icmpLen, g.randInt(65536), 254);
    b[p] = 3;
    b[p + 1] = 1;
    b.writeUInt32BE(0, p + 2);
    b.writeUInt16BE(0, p + 6);
    b.copy(b, p + 8, sy.o + 14, sy.o + 14 + 28);
    b.writeUInt16BE(fold(sum16(b, p, icmpLen)), p + 2);
    g.emit(o, 14 + 20 + icmpLen);
    g.stats.icmp++;
  }
}

/**
 * Writes the capture; returns what was written. Writes to `<path>.tmp` then renames, and a
 * sidecar `<path>.json` (parameters + stats), so a half-written file is never taken as done.
 */
export function makeCapture({ path = DEFAULT_PATH, sizeMB = 400, seed = 1, format = 'pcap', alive = 3000 } = {}) {
  mkdirSync(dirname(resolve(path)), { recursive: true });
  const t0 = process.hrtime.bigint();
  const g = new Generator({ seed, alive });
  const tmp = `${path}.tmp`;
  const { packets, bytes } = g.run(tmp, Math.round(sizeMB * 1024 * 1024), format);
  renameSync(tmp, path);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const info = { generator: GENERATOR_VERSION, path, sizeMB, seed, format, alive, bytes, packets, seconds, ...g.stats };
  writeFileSync(`${path}.json`, JSON.stringify(info, null, 2) + '\n');
  return info;
}

function parseArgs(argv) {
  const o = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = () => {
      const x = argv[++i];
      if (x === undefined) throw new Error(`${a} needs a value`);
      return x;
    };
    if (a === '--size') o.sizeMB = Number(v());
    else if (a === '--seed') o.seed = Number(v());
    else if (a === '--out' || a === '-o') o.path = v();
    else if (a === '--format') o.format = v();
    else if (a === '--alive') o.alive = Number(v());
    else if (a === '--quiet') o.quiet = true;
    else if (a === '-h' || a === '--help') o.help = true;
    else throw new Error(`unknown argument ${a}`);
  }
  if (o.format !== undefined && o.format !== 'pcap' && o.format !== 'pcapng') throw new Error('--format must be pcap or pcapng');
  if (o.sizeMB !== undefined && !(o.sizeMB > 0)) throw new Error('--size must be a positive number of MB');
  return o;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  let o;
  try {
    o = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`make-capture: ${e.message}`);
    process.exit(2);
  }
  if (o.help) {
    console.log('usage: node test/bench/make-capture.mjs [--size MB] [--seed N] [--out PATH] [--format pcap|pcapng] [--alive N] [--quiet]');
    process.exit(0);
  }
  const { quiet, help, ...opts } = o;
  const info = makeCapture(opts);
  if (!quiet) {
    console.log(
      `${info.path}: ${(info.bytes / 1048576).toFixed(1)} MB, ${info.packets} packets, ${info.tcpConnections} TCP connections, ${info.udpFlows} UDP flows, in ${info.seconds.toFixed(1)} s`,
    );
  }
}
