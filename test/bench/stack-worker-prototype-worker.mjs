/** The worker of stack-worker-prototype.mjs: reads the ring and feeds the protocol stack. */
import { parentPort, workerData } from 'node:worker_threads';
import path from 'node:path';

const { sab, stopSab, RING, dist, idle } = workerData;
const { Session } = await import(path.join(dist, 'session/session.js'));
const HEADER = 40;
const MASK = RING - 1;
const POS = 0x7fffffff;
const ctl = new Int32Array(sab, RING, 16);
const u8 = new Uint8Array(sab, 0, RING);
const i32 = new Int32Array(sab, 0, RING >> 2);
const f64 = new Float64Array(sab, 0, RING >> 3);
const stop = new Uint8Array(stopSab);
const session = new Session({});
const hooks = session.hooks;
const conns = new Map();
const decoders = new Map();
const ended = new Map();
const packet = { flags: 0, ttl: 0, mss: null, ipId: 0, window: 0, segLength: 0 };
let r = 0;
let messages = 0;
/** Publishes how far the ring was read, waking the writer if it waits for room. */
function release() {
  Atomics.store(ctl, 1, r);
  if (Atomics.load(ctl, 4) !== 0) Atomics.notify(ctl, 1);
}
for (;;) {
  const written = Atomics.load(ctl, 0);
  if (written === r) {
    Atomics.store(ctl, 3, 1);
    Atomics.wait(ctl, 0, r, 2);
    Atomics.store(ctl, 3, 0);
    continue;
  }
  while (r !== written) {
    const o = r & MASK;
    const op = u8[o];
    if (op === 0xff) {
      r = (r + RING - o) & POS;
      continue;
    }
    const q = o >> 2;
    const dir = u8[o + 1];
    const id = i32[q + 1];
    const frame = i32[q + 2];
    const ts = f64[(o >> 3) + 2];
    const len = i32[q + 6];
    const a = i32[q + 7];
    const b = i32[q + 8];
    const c = i32[q + 9];
    const data = u8.subarray(o + HEADER, o + HEADER + len);
    r = (r + ((HEADER + len + 7) & ~7)) & POS;
    messages++;
    if (op === 9) {
      release();
      parentPort.postMessage({ messages, recordsHeld: session.records.size });
      continue;
    }
    if (idle) continue;
    const info = { frame, ts };
    switch (op) {
      case 1: {
        const conn = { id, transport: 'tcp', server: { port: a & 0xffff }, client: { port: a >>> 16 }, syns: b & 1 ? [{ frame, ts }] : [], synAckSeen: (b & 2) !== 0, synAck: null, handshakeAck: null, firstFrame: frame, start: ts, stopFollowing: false, session: null };
        conns.set(id, conn);
        const d = hooks.followTcp(conn, data, dir === 0);
        if (d) decoders.set(id, d);
        else stop[id] = 1;
        break;
      }
      case 2: {
        const d = decoders.get(id);
        if (!d) break;
        d.push(dir, data, info);
        if (conns.get(id).stopFollowing) {
          stop[id] = 1;
          decoders.delete(id);
        }
        break;
      }
      case 3:
        decoders.get(id)?.gap(dir, a, info);
        break;
      case 4: {
        decoders.get(id)?.end(dir, info);
        const n = (ended.get(id) ?? 0) + 1;
        ended.set(id, n);
        if (n === 2) {
          const conn = conns.get(id);
          if (conn) session.release(conn);
          conns.delete(id);
          decoders.delete(id);
          ended.delete(id);
        }
        break;
      }
      case 5: {
        const conn = conns.get(id);
        if (!conn) break;
        packet.flags = a & 0xff;
        packet.ttl = a >>> 16;
        packet.segLength = c;
        if (a & 0x100) conn.handshakeAck = { frame, ts };
        hooks.tcpSegment(conn, packet, dir === 0, b, frame, ts);
        break;
      }
      case 6: {
        const conn = { id, transport: 'udp', server: { port: a }, client: { port: 0 }, syns: [], firstFrame: frame, start: ts, session: null };
        conns.set(id, conn);
        const d = hooks.followUdp(conn, data, dir === 0);
        if (d) decoders.set(id, d);
        break;
      }
      case 7:
        decoders.get(id)?.datagram(dir, data, info);
        break;
    }
    // Only once the message was handled may the writer reuse its bytes.
    if ((messages & 255) === 0) release();
  }
  release();
}
