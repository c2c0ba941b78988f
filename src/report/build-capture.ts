/**
 * Turns the traffic engine's state into the capture and connection parts of the report.
 */
import { icmpv4, icmpv6 } from '../codes/icmp.js';
import { isoTime } from '../core/time.js';
import type { InterfaceInfo } from '../capture/frame.js';
import type { SourceSummary } from '../capture/source.js';
import type { Connection } from '../reassembly/connection.js';
import type { Endpoint as Ep } from '../reassembly/endpoint.js';
import type { TrafficEngine } from '../reassembly/engine.js';
import { zeekConnState, zeekUdpState } from '../reassembly/tcp-tracker.js';
import { linkTypeName } from './link-types.js';
import type { CaptureReport, ConnectionReport, DirectionCounters, FragmentsReport, IcmpReport, TcpSummary } from './model.js';

export function buildCapture(
  engine: TrafficEngine,
  files: SourceSummary[],
  interfaces: { file: string; info: InterfaceInfo }[],
): CaptureReport {
  const st = engine.stats;
  let dropped: number | null = null;
  for (const i of interfaces) if (i.info.dropped !== undefined) dropped = (dropped ?? 0) + i.info.dropped;
  const first = Number.isFinite(st.firstTs) ? st.firstTs : null;
  const last = Number.isFinite(st.lastTs) ? st.lastTs : null;
  return {
    frames: st.frames,
    files: files.map((f) => ({ path: f.label, format: f.format, gzip: f.gzip, frames: f.frames, bytes: f.bytes, truncated: f.truncated })),
    formats: [...new Set(files.map((f) => (f.gzip ? `${f.format}+gzip` : f.format)))],
    linkTypes: [...st.linkTypes.entries()].map(([linkType, frames]) => ({ linkType, name: linkTypeName(linkType), frames })),
    first: first === null ? null : isoTime(first),
    last: last === null ? null : isoTime(last),
    durationSec: first === null || last === null ? null : round6(last - first),
    dropped,
    interfaces: interfaces.map((i) => ({ file: i.file, ...i.info })),
    packets: {
      ip: st.ipPackets, tcp: st.tcpPackets, udp: st.udpPackets, icmp: st.icmpPackets, nonIp: st.nonIp,
      truncated: st.truncated, malformed: st.malformed, fragments: st.fragments, reassembled: st.reassembled,
    },
    warnings: engine.issues.map((i) => ({
      ...(i.file !== undefined ? { file: i.file } : {}),
      frame: i.frame, offset: i.offset, protocol: i.protocol, severity: i.severity, message: i.message,
    })),
    warningCount: engine.issueCount,
    connectionsNotListed: engine.flows.dropped,
    connectionsNotDiagnosed: engine.flows.retired,
    connectionsClosedEarly: engine.closedEarly,
  };
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

function dir(e: Ep): DirectionCounters {
  return {
    retransmissions: e.retransmissions,
    fastRetransmissions: e.fastRetransmissions,
    spuriousRetransmissions: e.spuriousRetransmissions,
    outOfOrder: e.outOfOrder,
    lostSegments: e.lostSegments,
    ackedUnseen: e.ackedUnseen,
    dupAcks: e.dupAcks,
    zeroWindows: e.zeroWindows,
    keepAlives: e.keepAlives,
    resets: e.resets,
    fins: e.fins,
    maxIpLength: e.maxIpLength,
    maxSegment: e.maxSegment,
    ttlRange: e.maxTtl >= 0 ? [e.minTtl, e.maxTtl] : null,
  };
}

function tcpSummary(c: Connection): TcpSummary {
  const a = c.client;
  const b = c.server;
  const firstSyn = c.syns[0];
  return {
    retransmissions: a.retransmissions + b.retransmissions,
    fastRetransmissions: a.fastRetransmissions + b.fastRetransmissions,
    spuriousRetransmissions: a.spuriousRetransmissions + b.spuriousRetransmissions,
    outOfOrder: a.outOfOrder + b.outOfOrder,
    lostSegments: a.lostSegments + b.lostSegments,
    ackedUnseen: a.ackedUnseen + b.ackedUnseen,
    dupAcks: a.dupAcks + b.dupAcks,
    zeroWindows: a.zeroWindows + b.zeroWindows,
    keepAlives: a.keepAlives + b.keepAlives,
    windowFull: a.windowFull + b.windowFull,
    resets: a.resets + b.resets,
    synRetransmissions: a.synRetransmissions,
    mss: { client: a.mss >= 0 ? a.mss : null, server: b.mss >= 0 ? b.mss : null },
    windowScale: { client: a.winScale >= 0 ? a.winScale : null, server: b.winScale >= 0 ? b.winScale : null },
    ttl: { client: a.firstTtl >= 0 ? a.firstTtl : null, server: b.firstTtl >= 0 ? b.firstTtl : null },
    rttMs: Number.isFinite(c.irtt) ? Math.round(c.irtt * 1e6) / 1e3 : null,
    byDirection: { client: dir(a), server: dir(b) },
    synSchedule: firstSyn ? c.syns.map((s) => ({ frame: s.frame, at: isoTime(s.ts), offsetSec: round6(s.ts - firstSyn.ts) })) : [],
    gapBytes: { client: a.gapBytes, server: b.gapBytes },
  };
}

export function buildConnection(c: Connection, fileLabel: string): ConnectionReport {
  const r: ConnectionReport = {
    id: c.id,
    transport: c.transport,
    client: { ip: c.client.ip, port: c.client.port },
    server: { ip: c.server.ip, port: c.server.port },
    originBy: c.originBy,
    file: fileLabel,
    start: isoTime(c.start),
    end: isoTime(c.end),
    startTs: c.start,
    endTs: c.end,
    durationSec: round6(c.end - c.start),
    firstFrame: c.firstFrame,
    lastFrame: c.lastFrame,
    state: c.transport === 'tcp' ? zeekConnState(c) : zeekUdpState(c),
    history: c.history,
    packets: { client: c.client.packets, server: c.server.packets },
    bytes: { client: c.client.bytes, server: c.server.bytes },
  };
  if (c.transport === 'tcp') r.tcp = tcpSummary(c);
  return r;
}

export function buildFragments(engine: TrafficEngine): FragmentsReport {
  return {
    reassembled: engine.defrag.completed,
    overlapConflicts: engine.defrag.overlapConflicts,
    incomplete: engine.defrag.incomplete.map((s) => ({
      src: s.src, dst: s.dst, proto: s.proto, id: s.id,
      fragments: s.seen.map((q) => ({ frame: q.frame, offset: q.offset, length: q.length, more: q.more })),
      fragmentCount: s.fragments,
      hasFirst: s.hasFirst, hasLast: s.hasLast, firstFrame: s.firstFrame, firstAt: isoTime(s.firstTs),
      waitedSec: round6(s.waited), reason: s.reason, srcPort: s.srcPort, dstPort: s.dstPort,
    })),
    givenUp: { ...engine.defrag.givenUp },
    incompleteNotListed: engine.defrag.notListed,
  };
}

export function buildIcmp(engine: TrafficEngine): IcmpReport[] {
  return engine.icmpErrors.map((e) => ({
    frame: e.frame,
    at: isoTime(e.ts),
    type: e.type,
    code: e.code,
    name: (e.v6 ? icmpv6(e.type, e.code) : icmpv4(e.type, e.code)).text,
    mtu: e.mtu > 0 ? e.mtu : null,
    reporter: e.reporter,
    ttl: e.ttl,
    quoted: {
      src: e.quotedSrc, dst: e.quotedDst, proto: e.quotedProto, srcPort: e.quotedSrcPort, dstPort: e.quotedDstPort,
      length: e.quotedLength, seq: e.quotedSeq, df: e.quotedDf,
    },
    connection: e.connectionId,
  }));
}
