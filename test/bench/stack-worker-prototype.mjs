#!/usr/bin/env node
/**
 * An experiment, not part of the tool: can the protocol stack keep up with the capture engine
 * on a 2-core machine if it runs on a second thread? (after `npm run build`)
 *
 *   node test/bench/stack-worker-prototype.mjs [FILE] [--idle]
 *
 * The engine runs on the main thread as in the `session` stage of stages.mjs; the streams of the
 * connections the stack follows (TCP 3389/443/88 and the GSS carriers, or X.224/TLS first bytes;
 * UDP 88/3389/3391), their SYN/FIN/RST/retransmission/zero-window/keep-alive segments and their
 * ends are copied into a SharedArrayBuffer ring (40-byte header + bytes, published every 256
 * messages); a worker thread (stack-worker-prototype-worker.mjs) reads the ring and feeds the same
 * Session (dist/session/session.js) with stand-in connections, tells the main thread through a
 * shared byte per connection when the stack stops following one, and lets a record go when both
 * directions ended. It leaves out what a real design would also need (eviction decisions and
 * summaries across threads, records for SYNs never followed, ICMP), all of which would add work.
 * --idle: the worker reads the ring and does nothing. It then never tells the main thread to stop
 * following a connection, so the main thread copies every byte of the followed flows (more than with
 * the stack, which lets keyless TLS go after its first records): an upper bound of the feeding cost.
 * Ring positions count modulo 2^31 (the ring size divides it); connection ids up to 2^24.
 * Prints wall and CPU seconds from the start of the run until the worker has processed everything.
 * Figures: docs/decisions/0006-protocol-stack-throughput.md.
 */
import { Worker } from 'node:worker_threads';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.resolve(here, '../../dist');
const args = process.argv.slice(2);
const idle = args.includes('--idle');
const file = args.find((a) => !a.startsWith('--')) ?? '/tmp/rdpdiag-bench/bench-400mb-s1.pcap';

const c0 = process.cpuUsage();
const w0 = performance.now();
const { FileSource } = await import(path.join(dist, 'capture/file-source.js'));
const { TrafficEngine } = await import(path.join(dist, 'reassembly/engine.js'));
const { RDP_PORTS, GATEWAY_PORTS, KERBEROS_PORT, RDPUDP_PORTS, GSS_CARRIER_PORTS, looksLikeX224Request, looksLikeX224Confirm, looksLikeTlsHandshake } = await import(path.join(dist, 'session/session.js'));

export const RING = 32 << 20;
const MASK = RING - 1;
const POS = 0x7fffffff;
const HEADER = 40;
const sab = new SharedArrayBuffer(RING + 64);
const ctl = new Int32Array(sab, RING, 16); // [0] written up to, [1] read up to (both modulo 2^31), [3] worker waiting, [4] writer waiting
const u8 = new Uint8Array(sab, 0, RING);
const i32 = new Int32Array(sab, 0, RING >> 2);
const f64 = new Float64Array(sab, 0, RING >> 3);
const stopSab = new SharedArrayBuffer(1 << 24);
const stop = new Uint8Array(stopSab);
const worker = new Worker(path.join(here, 'stack-worker-prototype-worker.mjs'), { workerData: { sab, stopSab, RING, dist, idle } });
const done = new Promise((resolve) => worker.on('message', resolve));

let w = 0;
let unpublished = 0;
function publish() {
  Atomics.store(ctl, 0, w);
  if (Atomics.load(ctl, 3) !== 0) Atomics.notify(ctl, 0);
  unpublished = 0;
}
/** Room for n contiguous bytes (a 0xff marker sends the reader back to the start of the ring). */
function room(n) {
  for (;;) {
    const r = Atomics.load(ctl, 1);
    const off = w & MASK;
    const need = off + n > RING ? RING - off + n : n;
    if (RING - ((w - r) & POS) >= need + 8) {
      if (off + n > RING) {
        u8[off] = 0xff;
        w = (w + RING - off) & POS;
      }
      return w & MASK;
    }
    publish();
    Atomics.store(ctl, 4, 1);
    Atomics.wait(ctl, 1, r, 5);
    Atomics.store(ctl, 4, 0);
  }
}
function msg(op, id, dir, frame, ts, payload, a = 0, b = 0, c = 0) {
  const len = payload ? payload.length : 0;
  const n = (HEADER + len + 7) & ~7;
  const o = room(n);
  const q = o >> 2;
  u8[o] = op;
  u8[o + 1] = dir;
  i32[q + 1] = id;
  i32[q + 2] = frame;
  f64[(o >> 3) + 2] = ts;
  i32[q + 6] = len;
  i32[q + 7] = a;
  i32[q + 8] = b;
  i32[q + 9] = c;
  if (len) u8.set(payload, o + HEADER);
  w = (w + n) & POS;
  if (++unpublished >= 256) publish();
}

let nextId = 1;
const ids = new WeakMap();
// What Session.followTcp/followUdp would follow (decided here, on the engine's thread).
const TCP_PORTS = new Set([...RDP_PORTS, ...GATEWAY_PORTS, KERBEROS_PORT, ...GSS_CARRIER_PORTS]);
const UDP_PORTS = new Set([KERBEROS_PORT, ...RDPUDP_PORTS]);
const hooks = {
  followTcp(conn, first, fromClient) {
    const recognised = fromClient ? looksLikeX224Request(first) || looksLikeTlsHandshake(first) : looksLikeX224Confirm(first);
    if (!TCP_PORTS.has(conn.server.port) && !recognised) return null;
    const id = nextId++;
    ids.set(conn, id);
    const syn = conn.syns[0];
    msg(1, id, fromClient ? 0 : 1, syn ? syn.frame : conn.firstFrame, syn ? syn.ts : conn.start, first, conn.server.port | (conn.client.port << 16), (conn.syns.length > 0 ? 1 : 0) | (conn.synAckSeen ? 2 : 0));
    return {
      push(dir, data, info) {
        if (stop[id]) conn.stopFollowing = true;
        else msg(2, id, dir, info.frame, info.ts, data);
      },
      gap(dir, length, info) {
        msg(3, id, dir, info.frame, info.ts, null, length);
      },
      end(dir, info) {
        msg(4, id, dir, info.frame, info.ts, null);
      },
    };
  },
  tcpSegment(conn, p, fromClient, a, frame, ts) {
    const id = ids.get(conn);
    if (id === undefined) return;
    const handshakeAck = conn.handshakeAck !== null && conn.handshakeAck.frame === frame;
    if ((p.flags & 7) === 0 && (a & 0x0429) === 0 && !handshakeAck) return;
    msg(5, id, fromClient ? 0 : 1, frame, ts, null, p.flags | (handshakeAck ? 0x100 : 0) | (p.ttl << 16), a, p.segLength);
  },
  followUdp(conn, _payload, fromClient) {
    if (!UDP_PORTS.has(conn.server.port)) return null;
    const id = nextId++;
    msg(6, id, fromClient ? 0 : 1, conn.firstFrame, conn.start, null, conn.server.port);
    return {
      datagram(dir, data, info) {
        msg(7, id, dir, info.frame, info.ts, data);
      },
    };
  },
};
const engine = new TrafficEngine(hooks);
engine.evictEvery = 8192;
await new FileSource(file, 0).run({ frame: (f) => engine.frame(f), issue: () => {}, interface: () => {}, secrets: () => {} });
engine.finish();
const engineDone = (performance.now() - w0) / 1000;
msg(9, 0, 0, 0, 0, null);
publish();
const stats = await done;
const c = process.cpuUsage(c0);
console.log(JSON.stringify({ wall: (performance.now() - w0) / 1000, cpu: (c.user + c.system) / 1e6, mainThreadDone: engineDone, idle, ...stats }));
await worker.terminate();
