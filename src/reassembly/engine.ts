/**
 * The traffic engine: frames → decoded packets → fragments reassembled → connections with
 * TCP analysis → in-order stream bytes for the connections a session layer asks to follow.
 * Synchronous per frame; no allocation on the hot path of already-known flows.
 */
import { ipv4ToString, ipv6ToString } from '../core/addr.js';
import type { DecodeIssue } from '../core/issues.js';
import { issue } from '../core/issues.js';
import type { Frame } from '../capture/frame.js';
import { decodeFrame, decodeNetwork, decodeTransport } from '../decode/decoder.js';
import { IpProto, Packet, TcpFlag } from '../decode/packet.js';
import type { DatagramDecoder, StreamDecoder } from '../protocols/stream.js';
import type { Connection } from './connection.js';
import { FlowTable, KEEP_OPEN, RELEASE, RETAIN } from './flow-table.js';
import type { IcmpError } from './icmp-link.js';
import { IpDefragmenter } from './ip-defrag.js';
import { TcpReassembler, type OooBudget } from './tcp-reassembler.js';
import { legOf } from './leg-copy.js';
import { TcpA } from './tcp-analysis.js';
import { trackTcp } from './tcp-tracker.js';

/** What the session layer plugs into the engine. All calls are synchronous. */
export interface EngineHooks {
  /**
   * A finished connection is about to be dropped from memory (see TrafficEngine.evictEvery):
   * return false to keep it (e.g. it matters for the diagnosis), true to let it go.
   */
  releasable?(conn: Connection): boolean;
  /** A connection was dropped from memory; its summary must be taken now. */
  evicted?(conn: Connection): void;
  /** A finished connection is kept for the diagnosis (held apart from the open ones): drop its bulk detail. */
  retained?(conn: Connection): void;
  /**
   * Over the retention limit (TrafficEngine.maxRetained): may this retained connection be let
   * go before the others (e.g. it reached the active phase and tells the diagnosis little)?
   */
  expendable?(conn: Connection): boolean;
  /**
   * First payload byte(s) of a TCP connection were seen: return a decoder to receive the
   * reassembled streams of both directions, or null to not follow this connection.
   */
  followTcp?(conn: Connection, firstPayload: Uint8Array, fromClient: boolean): StreamDecoder | null;
  /** Every TCP segment after analysis (for timelines); cheap implementations only. */
  tcpSegment?(conn: Connection, p: Packet, fromClient: boolean, analysis: number, frame: number, ts: number): void;
  /** A UDP datagram: return a decoder for the connection on its first datagram (or null). */
  followUdp?(conn: Connection, payload: Uint8Array, fromClient: boolean): DatagramDecoder | null;
  icmpError?(e: IcmpError): void;
}

interface TcpFollow {
  decoder: StreamDecoder;
  c2s: TcpReassembler;
  s2c: TcpReassembler;
}

interface UdpFollow {
  decoder: DatagramDecoder | null;
}

export interface EngineStats {
  frames: number;
  ipPackets: number;
  tcpPackets: number;
  udpPackets: number;
  icmpPackets: number;
  nonIp: number;
  unsupportedLink: number;
  truncated: number;
  malformed: number;
  fragments: number;
  reassembled: number;
  linkTypes: Map<number, number>;
  firstTs: number;
  lastTs: number;
}

const MAX_ISSUES_KEPT = 500;
const MAX_ICMP_KEPT = 10_000;
/** Default retention limit for finished connections kept for the diagnosis. */
export const MAX_RETAINED = 500;
/** Default limit of open connections (each costs a few KB, more when its protocol is decoded). */
export const MAX_OPEN = 6_000;
/** Out-of-order bytes all connections together may hold while waiting for a hole to fill. */
export const MAX_OOO_TOTAL = 64 << 20;

export class TrafficEngine {
  readonly flows = new FlowTable();
  readonly defrag = new IpDefragmenter();
  readonly icmpErrors: IcmpError[] = [];
  readonly issues: DecodeIssue[] = [];
  issueCount = 0;
  readonly stats: EngineStats = {
    frames: 0, ipPackets: 0, tcpPackets: 0, udpPackets: 0, icmpPackets: 0, nonIp: 0, unsupportedLink: 0,
    truncated: 0, malformed: 0, fragments: 0, reassembled: 0, linkTypes: new Map(), firstTs: NaN, lastTs: NaN,
  };
  private readonly p = new Packet();
  private lastLinkType = -2;
  private lastLinkCount = 0;

  /** Check for finished connections every this many frames (0 = never evict). */
  evictEvery = 0;
  /**
   * Finished connections kept for the diagnosis beyond this many are let go (oldest
   * expendable first), so memory stays bounded on captures with thousands of RDP connections.
   */
  maxRetained = MAX_RETAINED;
  /**
   * Open connections tracked at most: beyond this, at the next check, the longest-idle quarter
   * is finished early (counted in `closedEarly`).
   */
  maxOpen = MAX_OPEN;
  /** Connections finished early because the table was full. */
  closedEarly = 0;
  /** Out-of-order bytes held by all reassemblers together. */
  readonly oooBudget: OooBudget = { held: 0, max: MAX_OOO_TOTAL };
  private sinceEvict = 0;

  constructor(private readonly hooks: EngineHooks = {}) {}

  /** Seconds of quiet after FIN/RST, and of plain idleness, after which a connection is finished. */
  static readonly CLOSED_LINGER = 2;
  static readonly IDLE_TCP = 300;
  static readonly IDLE_UDP = 30;
  /**
   * Under pressure (more than a quarter of `maxOpen` open at once: a very busy link, a flood), as in
   * Suricata's flow emergency mode: a TCP connection whose FINs were both acknowledged is finished at the
   * next check, one closed both ways or reset after a quarter of a second of quiet instead of the 2 s
   * linger, and UDP flows after a second of quiet once answered (or when no decoder follows them: a
   * Kerberos request waiting for a slow KDC keeps its flow). A packet arriving later than that
   * starts a new entry.
   */
  static readonly PRESSURE_IDLE_UDP = 1;
  /** Under pressure, quiet after a reset, or after FINs not both acknowledged, before a connection is finished. */
  static readonly PRESSURE_LINGER = 0.25;

  private readonly out = (c: Connection): void => {
    this.finishFollow(c);
    c.follow = null;
    this.hooks.evicted?.(c);
    if (c.icmpErrors > 0) this.unlinkIcmp(c);
  };

  /** The ICMP errors of a connection leaving memory keep its id, not the connection. */
  private unlinkIcmp(c: Connection): void {
    for (const e of this.icmpErrors) if (e.connection === c) e.connection = null;
    c.icmpErrors = 0;
  }

  private maybeEvict(now: number): void {
    if (this.evictEvery <= 0) return;
    if (++this.sinceEvict < this.evictEvery) return;
    // Records without a time (pcapng Simple Packet Blocks) count towards the check; the time is
    // then the last one seen, so the limits on open and retained connections still hold.
    if (!Number.isFinite(now)) now = this.stats.lastTs;
    if (!Number.isFinite(now)) now = 0;
    this.sinceEvict = 0;
    const hooks = this.hooks;
    // Table full (a SYN flood, a scan, a very busy link): the connections idle the longest are
    // finished now, so that hostile input cannot exhaust memory.
    const open = this.flows.openCount;
    const cutoff = open > this.maxOpen ? this.flows.idleCutoff(open - Math.floor(this.maxOpen * 0.75)) : -Infinity;
    const pressure = open > this.maxOpen / 4;
    this.flows.evict((c) => {
      if (!isFinished(c, now - c.end, pressure)) {
        if (c.end > cutoff) return KEEP_OPEN;
        this.closedEarly++;
      }
      if (hooks.releasable && !hooks.releasable(c)) {
        // Kept for the diagnosis, but its decoders are no longer needed and its bulk detail goes.
        if (this.finishFollow(c)) c.follow = null;
        hooks.retained?.(c);
        return RETAIN;
      }
      return RELEASE;
    }, this.out);
    if (this.flows.retainedCount > this.maxRetained) {
      this.flows.retire(this.maxRetained, (c) => hooks.expendable?.(c) ?? true, this.out);
    }
  }

  /**
   * After `finish`: when more connections are held than the diagnosis keeps (`maxRetained`), the
   * ones it would have let go had they finished during the capture (`releasable`: healthy TLS,
   * connections no decoder followed) are summarised and let go now, so that the diagnosis and the
   * report at the end do not carry them. What the diagnosis wants stays. Small captures are untouched.
   */
  settle(): void {
    if (this.evictEvery <= 0 || this.flows.size <= this.maxRetained) return;
    const releasable = this.hooks.releasable;
    this.flows.evict((c) => (releasable && !releasable(c) ? RETAIN : RELEASE), this.out);
  }

  report(i: DecodeIssue): void {
    this.issueCount++;
    if (this.issues.length < MAX_ISSUES_KEPT) this.issues.push(i);
  }

  frame(f: Frame): void {
    const st = this.stats;
    st.frames++;
    if (f.linkType !== this.lastLinkType) {
      if (this.lastLinkType !== -2) st.linkTypes.set(this.lastLinkType, (st.linkTypes.get(this.lastLinkType) ?? 0) + this.lastLinkCount);
      this.lastLinkType = f.linkType;
      this.lastLinkCount = 0;
    }
    this.lastLinkCount++;
    const ts = f.ts;
    if (Number.isFinite(ts)) {
      if (!(ts >= st.firstTs)) st.firstTs = Number.isFinite(st.firstTs) ? Math.min(st.firstTs, ts) : ts;
      if (!(ts <= st.lastTs)) st.lastTs = Number.isFinite(st.lastTs) ? Math.max(st.lastTs, ts) : ts;
    }
    this.maybeEvict(ts);
    const p = this.p;
    if (!decodeFrame(p, f)) {
      this.noteStop(p, f);
      return;
    }
    st.ipPackets++;
    // IP-in-IP and IPv6-in-IPv4 tunnels (protocols 4 and 41): analyse the inner datagram.
    for (let depth = 0; depth < 2 && !p.isFragment && p.stop === '' && (p.proto === IpProto.IPIP || p.proto === IpProto.IPV6); depth++) {
      const inner = p.l4Offset;
      const end = p.l4End;
      p.etherType = p.proto === IpProto.IPIP ? 0x0800 : 0x86dd;
      p.l3Offset = inner;
      if (!decodeNetwork(p, p.data.subarray(0, end), inner)) {
        this.noteStop(p, f);
        return;
      }
    }
    if (p.isFragment) {
      st.fragments++;
      const whole = this.defrag.add(p, f.index, ts);
      if (!whole) return;
      st.reassembled++;
      p.data = whole.data;
      p.l3Offset = 0;
      p.l4Offset = whole.l4Offset;
      p.l4End = whole.data.length;
      p.l4WireLength = whole.data.length - whole.l4Offset;
      p.ipTotalLength = whole.data.length;
      p.reassembled = true;
    } else if (p.stop !== '') {
      this.noteStop(p, f);
      return;
    }
    if (!decodeTransport(p)) {
      if (p.stop === 'truncated' || p.stop === 'malformed') this.noteStop(p, f);
      return;
    }
    switch (p.proto) {
      case IpProto.TCP:
        st.tcpPackets++;
        this.tcp(p, f);
        break;
      case IpProto.UDP:
        st.udpPackets++;
        this.udp(p, f);
        break;
      default:
        st.icmpPackets++;
        this.icmp(p, f);
    }
  }

  private noteStop(p: Packet, f: Frame): void {
    const st = this.stats;
    switch (p.stop) {
      case 'not-ip':
        st.nonIp++;
        break;
      case 'link-unsupported':
        st.unsupportedLink++;
        break;
      case 'truncated':
        st.truncated++;
        if (f.caplen >= f.origLen) this.report(issue('decode', f.index, f.ts, 0, p.stopDetail));
        break;
      case 'malformed':
        st.malformed++;
        this.report(issue('decode', f.index, f.ts, 0, p.stopDetail));
        break;
    }
  }

  private tcp(p: Packet, f: Frame): void {
    const conn = this.flows.lookup(p, 'tcp', f.index, f.ts, f.fileIndex);
    const fromClient = this.flows.fromClient;
    const a = trackTcp(conn, p, fromClient, f.index, f.ts, legOf(p, f.fileIndex, f.ifIndex));
    // The copy of a segment on the other leg of a two-leg capture: nothing more to learn from it.
    if (a === TcpA.LEG_COPY) return;
    this.hooks.tcpSegment?.(conn, p, fromClient, a, f.index, f.ts);
    let follow = conn.follow as TcpFollow | null | undefined;
    if (follow === undefined && p.segLength > 0 && p.payloadCaptured > 0 && this.hooks.followTcp) {
      const payload = p.data.subarray(p.payloadOffset, p.payloadOffset + p.payloadCaptured);
      const decoder = this.hooks.followTcp(conn, payload, fromClient);
      follow = decoder ? { decoder, c2s: new TcpReassembler(0, decoder, this.oooBudget), s2c: new TcpReassembler(1, decoder, this.oooBudget) } : null;
      if (decoder) {
        if (conn.syns.length > 0) follow!.c2s.syn(conn.client.baseSeq);
        if (conn.synAck) follow!.s2c.syn(conn.server.baseSeq);
      }
      conn.follow = follow;
    }
    if (!follow) return;
    if (conn.stopFollowing) {
      // The session layer has all it needs: drop the decoders (no end notices, nothing more to say).
      follow.c2s.discard();
      follow.s2c.discard();
      conn.follow = null;
      return;
    }
    const r = fromClient ? follow.c2s : follow.s2c;
    const other = fromClient ? follow.s2c : follow.c2s;
    const ts = Number.isFinite(f.ts) ? f.ts : conn.end;
    if ((p.flags & TcpFlag.SYN) !== 0) r.syn(p.seq);
    if (p.segLength > 0) {
      r.segment(p.seq, p.data.subarray(p.payloadOffset, p.payloadOffset + p.payloadCaptured), p.segLength, f.index, ts);
    }
    if ((p.flags & TcpFlag.ACK) !== 0) other.acked(p.ack, f.index, ts);
    if ((p.flags & (TcpFlag.FIN | TcpFlag.RST)) !== 0) {
      r.finish(f.index, ts);
      if ((p.flags & TcpFlag.RST) !== 0) other.finish(f.index, ts);
    }
  }

  private udp(p: Packet, f: Frame): void {
    const conn = this.flows.lookup(p, 'udp', f.index, f.ts, f.fileIndex);
    const fromClient = this.flows.fromClient;
    const e = fromClient ? conn.client : conn.server;
    e.packets++;
    e.bytes += p.segLength;
    e.ipBytes += p.ipTotalLength;
    if (e.firstFrame === 0) e.firstFrame = f.index;
    e.lastFrame = f.index;
    if (e.firstTtl < 0) e.firstTtl = p.ttl;
    e.lastTtl = p.ttl;
    if (p.ipTotalLength > e.maxIpLength) e.maxIpLength = p.ipTotalLength;
    conn.lastFrame = f.index;
    if (Number.isFinite(f.ts)) {
      e.lastTime = f.ts;
      conn.end = Math.max(conn.end, f.ts);
    }
    if (conn.lastFrame === conn.firstFrame && !fromClient) conn.history = '^';
    let follow = conn.follow as UdpFollow | null | undefined;
    // The payload view is made only for a flow a decoder may follow (none per packet otherwise).
    if (follow !== undefined && !follow?.decoder) return;
    const payload = p.data.subarray(p.payloadOffset, p.payloadOffset + p.payloadCaptured);
    if (follow === undefined) {
      follow = { decoder: this.hooks.followUdp?.(conn, payload, fromClient) ?? null };
      conn.follow = follow;
    }
    if (follow?.decoder) follow.decoder.datagram(fromClient ? 0 : 1, payload, { frame: f.index, ts: f.ts });
  }

  private icmp(p: Packet, f: Frame): void {
    const q = p.quote;
    if (q.ipVersion === 0) return; // echo etc.
    const v6 = q.ipVersion === 6;
    const transport = q.proto === 6 ? 'tcp' : q.proto === 17 ? 'udp' : null;
    const match = transport ? this.flows.findQuoted(v6, q.src4, q.dst4, q.src6, q.dst6, q.srcPort, q.dstPort, transport) : null;
    const e: IcmpError = {
      frame: f.index,
      ts: f.ts,
      v6: p.ipVersion === 6,
      type: p.icmpType,
      code: p.icmpCode,
      mtu: p.icmpMtu,
      reporter: p.ipVersion === 6 ? ipv6ToString(p.src6) : ipv4ToString(p.src4),
      ttl: p.ttl,
      quotedSrc: v6 ? ipv6ToString(q.src6) : ipv4ToString(q.src4),
      quotedDst: v6 ? ipv6ToString(q.dst6) : ipv4ToString(q.dst4),
      quotedProto: q.proto,
      quotedSrcPort: q.srcPort,
      quotedDstPort: q.dstPort,
      quotedLength: q.totalLength,
      quotedSeq: q.hasTcpSeq ? q.tcpSeq : null,
      quotedDf: q.df,
      connection: match ? match.conn : null,
      connectionId: match ? match.conn.id : null,
      quotedFromClient: match ? match.quotedFromClient : null,
    };
    if (this.icmpErrors.length < MAX_ICMP_KEPT) {
      this.icmpErrors.push(e);
      if (e.connection) e.connection.icmpErrors++;
    }
    this.hooks.icmpError?.(e);
  }

  /** Flushes a followed connection's reassemblers (gaps reported, decoders ended); false when none. */
  private finishFollow(c: Connection): boolean {
    if (c.transport !== 'tcp') return false;
    const follow = c.follow as TcpFollow | null | undefined;
    if (!follow) return false;
    follow.c2s.finish(c.lastFrame, c.end);
    follow.s2c.finish(c.lastFrame, c.end);
    c.client.gapBytes = follow.c2s.gapBytes;
    c.server.gapBytes = follow.s2c.gapBytes;
    return true;
  }

  /** End of all input: flush reassemblers and fragment sets on capture time. */
  finish(): void {
    const st = this.stats;
    if (this.lastLinkType !== -2) st.linkTypes.set(this.lastLinkType, (st.linkTypes.get(this.lastLinkType) ?? 0) + this.lastLinkCount);
    this.lastLinkType = -2;
    this.lastLinkCount = 0;
    // Decoders are done with: dropped now (and never finished twice by a later eviction).
    for (const conn of this.flows.all) if (this.finishFollow(conn)) conn.follow = null;
    this.defrag.flush(Number.isFinite(st.lastTs) ? st.lastTs : 0);
  }
}

/** Whether a connection quiet for `quiet` seconds is finished (timeouts and pressure: see TrafficEngine). */
function isFinished(c: Connection, quiet: number, pressure: boolean): boolean {
  if (c.transport === 'tcp') {
    const closed = c.rsts.length > 0 || c.client.fins > 0 || c.server.fins > 0;
    if (!closed) return quiet > TrafficEngine.IDLE_TCP;
    return quiet > TrafficEngine.CLOSED_LINGER || (pressure && closedForGood(c, quiet));
  }
  // UDP under pressure: answered flows, and flows no decoder follows, go after a second of quiet.
  const followed = (c.follow as UdpFollow | null | undefined)?.decoder != null;
  const short = pressure && (!followed || (c.client.packets > 0 && c.server.packets > 0));
  return quiet > (short ? TrafficEngine.PRESSURE_IDLE_UDP : TrafficEngine.IDLE_UDP);
}

/**
 * Whether a closed connection can be finished under pressure: both FINs sent and acknowledged (the final ACK
 * seen: nothing more belongs to it), or closed both ways / reset and quiet for PRESSURE_LINGER.
 */
function closedForGood(c: Connection, quiet: number): boolean {
  const cl = c.client;
  const sv = c.server;
  if (cl.fins > 0 && sv.fins > 0 && sv.lastAck === cl.nextSeq && cl.lastAck === sv.nextSeq) return true;
  return (c.rsts.length > 0 || (cl.fins > 0 && sv.fins > 0)) && quiet > TrafficEngine.PRESSURE_LINGER;
}
