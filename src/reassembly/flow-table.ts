/**
 * The connection table: finds the connection of a packet by its 5-tuple without
 * building string keys (a symmetric numeric hash, then field comparison), creates new
 * ones (originator = SYN sender, else a port heuristic), and starts a new connection when
 * a SYN with a new ISN reuses a 4-tuple (Wireshark's "port numbers reused").
 */
import { ipv4ToString, ipv6ToString } from '../core/addr.js';
import { slabCopy } from '../core/slab.js';
import type { Packet } from '../decode/packet.js';
import { TcpFlag } from '../decode/packet.js';
import { Connection, type Transport } from './connection.js';

/** Ports where the server side is known: RDP, RD Gateway/HTTPS, Kerberos, UDP side channel. */
export const SERVER_PORTS = new Set([3389, 443, 88, 3391, 80, 8443, 22, 445, 389, 636, 53, 135, 3268]);

function mix(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

function fold6(b: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < 16; i += 4) h = mix(h ^ ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!));
  return h;
}

export class FlowTable {
  private readonly buckets = new Map<number, Connection | Connection[]>();
  private nextId = 1;
  /** Connections not yet finished, in creation order: the ones `evict` looks at. */
  private open: Connection[] = [];
  /** Finished connections kept for the diagnosis, in the order they finished. */
  private held: Connection[] = [];
  /** Connections handed out by `evict` or `retire`. */
  evicted = 0;
  /** Finished connections handed out by `retire` although the session layer wanted them kept. */
  retired = 0;

  /** Every connection still held (open, or finished and kept), in creation order. */
  get all(): Connection[] {
    if (this.held.length === 0) return this.open;
    return this.open.concat(this.held).sort((a, b) => a.id - b.id);
  }

  /** Finished connections kept for the diagnosis. */
  get retainedCount(): number {
    return this.held.length;
  }
  /** Connections created past the cap are still tracked but not kept for the report. */
  dropped = 0;

  constructor(private readonly maxKept = 200_000) {}

  get size(): number {
    return this.open.length + this.held.length;
  }

  /** Connections not yet finished. */
  get openCount(): number {
    return this.open.length;
  }

  private ends = new Float64Array(0);

  /**
   * The last-activity time at or before which the `n` longest-idle open connections fall (so
   * that finishing everything idle since then frees at least `n`); -Infinity when n <= 0.
   */
  idleCutoff(n: number): number {
    const m = this.open.length;
    if (n <= 0 || m === 0) return -Infinity;
    if (this.ends.length < m) this.ends = new Float64Array(m * 2);
    const ends = this.ends.subarray(0, m);
    for (let i = 0; i < m; i++) ends[i] = this.open[i]!.end;
    ends.sort();
    return ends[Math.min(n, m) - 1]!;
  }

  private hash(p: Packet, transport: Transport): number {
    const a = p.ipVersion === 4 ? p.src4 : fold6(p.src6);
    const b = p.ipVersion === 4 ? p.dst4 : fold6(p.dst6);
    return hashFields(a, b, p.srcPort, p.dstPort, transport);
  }

  /** Direction of the packet passed to the last `lookup`: true when client→server. */
  fromClient = true;

  /**
   * The connection this packet belongs to, creating it when needed; `fromClient` tells the
   * packet's direction. Allocates nothing for packets of known connections.
   */
  lookup(p: Packet, transport: Transport, frame: number, ts: number, fileIndex: number): Connection {
    const h = this.hash(p, transport);
    const slot = this.buckets.get(h);
    let found: Connection | undefined;
    let fromClient = true;
    if (slot !== undefined) {
      if (Array.isArray(slot)) {
        for (let i = slot.length - 1; i >= 0; i--) {
          const c = slot[i]!;
          if (c.transport !== transport) continue;
          const dir = matchDir(c, p);
          if (dir !== 0) {
            found = c;
            fromClient = dir === 1;
            break;
          }
        }
      } else if (slot.transport === transport) {
        const dir = matchDir(slot, p);
        if (dir !== 0) {
          found = slot;
          fromClient = dir === 1;
        }
      }
    }
    if (found && transport === 'tcp' && (p.flags & (TcpFlag.SYN | TcpFlag.ACK)) === TcpFlag.SYN) {
      // A new SYN on a used 4-tuple with a different ISN starts a new connection.
      const fwd = fromClient ? found.client : found.server;
      if (fwd.baseSeqSet && p.seq !== fwd.baseSeq) found = undefined;
    }
    if (found) {
      this.fromClient = fromClient;
      return found;
    }

    const conn = new Connection(this.nextId++, transport);
    conn.start = ts;
    conn.firstFrame = frame;
    conn.fileIndex = fileIndex;
    conn.v6 = p.ipVersion === 6;
    // Decide the originator.
    let senderIsClient = true;
    if (transport === 'tcp' && (p.flags & TcpFlag.SYN) !== 0) {
      senderIsClient = (p.flags & TcpFlag.ACK) === 0;
      conn.originBy = senderIsClient ? 'syn' : 'syn-ack';
    } else if (SERVER_PORTS.has(p.dstPort) && !SERVER_PORTS.has(p.srcPort)) {
      conn.originBy = 'port';
    } else if (SERVER_PORTS.has(p.srcPort) && !SERVER_PORTS.has(p.dstPort)) {
      senderIsClient = false;
      conn.originBy = 'port';
    } else if (p.srcPort < 1024 && p.dstPort >= 1024) {
      senderIsClient = false;
      conn.originBy = 'port';
    }
    if (conn.v6) {
      const s = slabCopy(p.src6);
      const d = slabCopy(p.dst6);
      conn.cAddr6 = senderIsClient ? s : d;
      conn.sAddr6 = senderIsClient ? d : s;
      conn.client.ip = ipv6ToString(conn.cAddr6);
      conn.server.ip = ipv6ToString(conn.sAddr6);
    } else {
      conn.cAddr4 = senderIsClient ? p.src4 : p.dst4;
      conn.sAddr4 = senderIsClient ? p.dst4 : p.src4;
      conn.client.ip = ipv4ToString(conn.cAddr4);
      conn.server.ip = ipv4ToString(conn.sAddr4);
    }
    conn.client.port = senderIsClient ? p.srcPort : p.dstPort;
    conn.server.port = senderIsClient ? p.dstPort : p.srcPort;

    if (slot === undefined) this.buckets.set(h, conn);
    else if (Array.isArray(slot)) slot.push(conn);
    else this.buckets.set(h, [slot, conn]);
    if (this.open.length + this.held.length < this.maxKept) this.open.push(conn);
    else this.dropped++;
    this.fromClient = senderIsClient;
    return conn;
  }

  /**
   * Looks at every open connection: `state(c)` says whether it is still open (KEEP_OPEN),
   * finished and may go (RELEASE: handed to `out` and dropped) or finished but wanted for the
   * diagnosis (RETAIN: kept aside, never looked at again here). Memory then depends on how many
   * connections are open at once plus what is retained, not on the size of the capture.
   */
  evict(state: (c: Connection) => number, out: (c: Connection) => void): void {
    const keep: Connection[] = [];
    const list = this.open;
    for (let i = 0; i < list.length; i++) {
      const c = list[i]!;
      // The old list lets go of each connection as it is looked at: when thousands are released
      // at once (the end of a capture), the garbage of the first ones is collectable at once.
      list[i] = PLACEHOLDER;
      const s = state(c);
      if (s === KEEP_OPEN) keep.push(c);
      else if (s === RETAIN) this.held.push(c);
      else {
        out(c);
        this.evicted++;
        this.removeFromBucket(c);
      }
    }
    this.open = keep;
  }

  /**
   * Hands out every connection still held, in creation order, and forgets them: each is let go as
   * it is handed out, so the garbage of summarising thousands at the end is collectable as it goes.
   */
  drain(out: (c: Connection) => void): void {
    const list = this.all;
    this.open = [];
    this.held = [];
    this.buckets.clear();
    for (let i = 0; i < list.length; i++) {
      const c = list[i]!;
      list[i] = PLACEHOLDER;
      out(c);
    }
  }

  /**
   * Hands out retained connections until at most `max` are left: first the oldest ones
   * `expendable(c)` accepts, then the oldest of all.
   */
  retire(max: number, expendable: (c: Connection) => boolean, out: (c: Connection) => void): void {
    let excess = this.held.length - max;
    if (excess <= 0) return;
    const gone = new Set<Connection>();
    for (const c of this.held) {
      if (excess === 0) break;
      if (!expendable(c)) continue;
      gone.add(c);
      excess--;
    }
    for (const c of this.held) {
      if (excess === 0) break;
      if (gone.has(c)) continue;
      gone.add(c);
      excess--;
    }
    for (const c of gone) {
      out(c);
      this.evicted++;
      this.retired++;
      this.removeFromBucket(c);
    }
    this.held = this.held.filter((c) => !gone.has(c));
  }

  private removeFromBucket(c: Connection): void {
    const a = c.v6 ? fold6(c.cAddr6!) : c.cAddr4;
    const b = c.v6 ? fold6(c.sAddr6!) : c.sAddr4;
    const h = hashFields(a, b, c.client.port, c.server.port, c.transport);
    const slot = this.buckets.get(h);
    if (slot === undefined) return;
    if (Array.isArray(slot)) {
      const i = slot.indexOf(c);
      if (i >= 0) slot.splice(i, 1);
      if (slot.length === 1) this.buckets.set(h, slot[0]!);
      else if (slot.length === 0) this.buckets.delete(h);
    } else if (slot === c) this.buckets.delete(h);
  }

  /** Finds (without creating) the connection an ICMP error quotes; `quotedFromClient` tells the quoted packet's direction. */
  findQuoted(
    v6: boolean,
    src4: number,
    dst4: number,
    src6: Uint8Array,
    dst6: Uint8Array,
    sport: number,
    dport: number,
    transport: Transport,
  ): { conn: Connection; quotedFromClient: boolean } | null {
    const slot = this.buckets.get(hashFields(v6 ? fold6(src6) : src4, v6 ? fold6(dst6) : dst4, sport, dport, transport));
    if (slot === undefined) return null;
    const list = Array.isArray(slot) ? slot : [slot];
    for (let i = list.length - 1; i >= 0; i--) {
      const c = list[i]!;
      if (c.transport !== transport || c.v6 !== v6) continue;
      if (!v6) {
        if (c.cAddr4 === src4 && c.sAddr4 === dst4 && c.client.port === sport && c.server.port === dport) return { conn: c, quotedFromClient: true };
        if (c.sAddr4 === src4 && c.cAddr4 === dst4 && c.server.port === sport && c.client.port === dport) return { conn: c, quotedFromClient: false };
      } else if (c.cAddr6 && c.sAddr6) {
        if (eq16(c.cAddr6, src6) && eq16(c.sAddr6, dst6) && c.client.port === sport && c.server.port === dport) return { conn: c, quotedFromClient: true };
        if (eq16(c.sAddr6, src6) && eq16(c.cAddr6, dst6) && c.server.port === sport && c.client.port === dport) return { conn: c, quotedFromClient: false };
      }
    }
    return null;
  }
}

/** What a slot of a list being evicted holds once looked at. */
const PLACEHOLDER = new Connection(0, 'tcp');

/** `evict` states. */
export const KEEP_OPEN = 0;
export const RELEASE = 1;
export const RETAIN = 2;

function hashFields(a: number, b: number, sport: number, dport: number, transport: Transport): number {
  const ea = mix(a ^ Math.imul(sport + 1, 0x9e3779b1));
  const eb = mix(b ^ Math.imul(dport + 1, 0x9e3779b1));
  // Kept within 30 bits so Map keys stay small integers (no boxing).
  return mix((ea ^ eb) + (transport === 'tcp' ? 6 : 17)) & 0x3fffffff;
}

function eq16(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < 16; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** 1 when p goes client→server, -1 server→client, 0 not this connection. */
function matchDir(c: Connection, p: Packet): number {
  if (p.ipVersion === 4) {
    if (c.v6) return 0;
    if (p.src4 === c.cAddr4 && p.dst4 === c.sAddr4 && p.srcPort === c.client.port && p.dstPort === c.server.port) return 1;
    if (p.src4 === c.sAddr4 && p.dst4 === c.cAddr4 && p.srcPort === c.server.port && p.dstPort === c.client.port) return -1;
    return 0;
  }
  if (!c.v6 || !c.cAddr6 || !c.sAddr6) return 0;
  if (p.srcPort === c.client.port && p.dstPort === c.server.port && eq16(p.src6, c.cAddr6) && eq16(p.dst6, c.sAddr6)) return 1;
  if (p.srcPort === c.server.port && p.dstPort === c.client.port && eq16(p.src6, c.sAddr6) && eq16(p.dst6, c.cAddr6)) return -1;
  return 0;
}
