/**
 * Who really sent a reset (protocol-facts §3.4, all inferred): compare the RST with the
 * packets that certainly came from the claimed sender in the same flow — TTL / hop limit,
 * IP ID pattern, window and TCP options, and how fast it followed the packet it answers.
 */
import type { Connection } from '../reassembly/connection.js';

export interface RstAttribution {
  frame: number;
  /** The side the RST claims to come from. */
  claimedFrom: 'client' | 'server';
  verdict: 'peer' | 'middlebox' | 'undetermined';
  /** Indicators with their weight; empty when there was nothing to compare with. */
  indicators: { kind: 'ttl' | 'timing' | 'ip-id' | 'window' | 'options' | 'burst'; strength: 'strong' | 'medium'; detail: string }[];
  rstTtl: number;
  peerTtl: number | null;
  /** Estimated hops between the RST's sender and the capture point, from common initial TTLs (64/128/255). */
  hopsAway: number | null;
  peerHopsAway: number | null;
}

const INITIAL_TTLS = [32, 64, 128, 255];

export function hopsFromTtl(ttl: number): number {
  for (const init of INITIAL_TTLS) if (ttl <= init) return init - ttl;
  return 0;
}

/** Attributes one RST of a connection. `rst` comes from conn.rsts. */
export function attributeRst(c: Connection, rst: Connection['rsts'][number]): RstAttribution {
  const claimedFrom = rst.fromClient ? 'client' : 'server';
  const peer = rst.fromClient ? c.client : c.server;
  const indicators: RstAttribution['indicators'] = [];
  // The peer's own packets: every packet it sent except resets (counters include the RST itself).
  const peerNonRst = peer.packets - peer.resets;
  let peerTtl: number | null = null;
  if (peerNonRst > 0 && peer.maxTtlNoRst >= 0) {
    peerTtl = peer.minTtlNoRst;
    // The claimed sender's own packets: constant TTL (min == max) means a fixed hop distance, so
    // any difference is a different sender; a TTL that varies itself needs a margin.
    const lo = peer.minTtlNoRst;
    const hi = peer.maxTtlNoRst;
    const constant = lo === hi;
    const outside = rst.ttl < lo || rst.ttl > hi;
    const diff = Math.min(Math.abs(rst.ttl - lo), Math.abs(rst.ttl - hi));
    if (outside && (constant ? diff >= 1 : diff > 2)) {
      indicators.push({
        kind: 'ttl',
        strength: 'strong',
        detail: `RST TTL ${rst.ttl} vs ${constant ? lo : `${lo}–${hi}`} on the ${claimedFrom}'s other packets (≈${hopsFromTtl(rst.ttl)} vs ≈${hopsFromTtl(peer.firstTtl)} hops away)`,
      });
    }
  }
  // Timing: a reset that arrives sooner after the other side's packet than a round trip.
  if (Number.isFinite(c.irtt) && c.irtt > 0.002) {
    const other = rst.fromClient ? c.server : c.client;
    const delta = rst.ts - other.lastTime;
    if (other.lastFrame > 0 && other.lastFrame < rst.frame && delta >= 0 && delta < c.irtt * 0.3) {
      indicators.push({
        kind: 'timing',
        strength: 'strong',
        detail: `RST ${(delta * 1000).toFixed(1)} ms after the ${rst.fromClient ? 'server' : 'client'}'s packet, faster than the ${(c.irtt * 1000).toFixed(1)} ms round trip`,
      });
    }
  }
  // IP ID: the peer counts up but the RST's ID does not fit (or is 0 when the peer never used 0).
  if (peerNonRst >= 3 && peer.ipIdIncrements >= Math.max(2, (peerNonRst - 1) * 0.6) && peer.lastIpId >= 0) {
    const d = (rst.ipId - peer.lastIpId) & 0xffff;
    if ((rst.ipId === 0 && peer.ipIdZero === 0) || d > 1000) {
      indicators.push({ kind: 'ip-id', strength: 'medium', detail: `RST IP ID ${rst.ipId} does not continue the ${claimedFrom}'s counter (last ${peer.lastIpId})` });
    }
  }
  if (peer.timestamps && !rst.hasTs && (rst.flags & 0x10) !== 0) {
    indicators.push({ kind: 'options', strength: 'medium', detail: `the ${claimedFrom} used TCP timestamps on every segment but this RST carries none` });
  }
  const burst = c.rsts.filter((r) => r.fromClient === rst.fromClient && Math.abs(r.ts - rst.ts) < 0.05 && r.seq !== rst.seq).length;
  if (burst >= 2) indicators.push({ kind: 'burst', strength: 'strong', detail: `${burst + 1} RSTs with different sequence numbers within 50 ms` });

  const strong = indicators.some((i) => i.strength === 'strong');
  const verdict = strong ? 'middlebox' : peerTtl === null ? 'undetermined' : 'peer';
  return {
    frame: rst.frame,
    claimedFrom,
    verdict,
    indicators,
    rstTtl: rst.ttl,
    peerTtl,
    hopsAway: hopsFromTtl(rst.ttl),
    peerHopsAway: peerTtl === null ? null : hopsFromTtl(peerTtl),
  };
}
