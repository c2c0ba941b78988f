/**
 * Who really sent a reset (protocol-facts §3.4, all inferred): compare the RST with the packets
 * that certainly came from the side it claims to come from, seen on the same leg of the capture —
 * TTL / hop limit, IP ID continuity, TCP options — and how fast it followed the packet it answers,
 * measured against the round trip from the capture point to that side (vantage.ts), not the
 * end-to-end one: a server's own reset microseconds after a request is normal next to the server.
 *
 * Weights: a TTL that differs from the claimed sender's packets on the same leg, a burst of resets,
 * the claimed sender going on sending, or (two-leg captures) a reset seen on one leg only while every
 * other packet of that side was seen on both, each convict on their own. A fast reset does too, but
 * never against a TTL and an IP ID that both continue the claimed sender's own packets.
 */
import type { Connection } from '../reassembly/connection.js';
import type { Endpoint } from '../reassembly/endpoint.js';
import { seenOnTwoLegs, vantageOf, type Vantage } from './vantage.js';

export interface RstAttribution {
  frame: number;
  /** The side the RST claims to come from. */
  claimedFrom: 'client' | 'server';
  verdict: 'peer' | 'middlebox' | 'undetermined';
  /** Indicators with their weight; empty when there was nothing to compare with. */
  indicators: { kind: 'ttl' | 'timing' | 'ip-id' | 'window' | 'options' | 'burst' | 'leg'; strength: 'strong' | 'medium'; detail: string }[];
  rstTtl: number;
  /** TTL of the claimed sender's own packets on the RST's leg (lowest), null when none. */
  peerTtl: number | null;
  /** Which of the claimed sender's packets the RST was compared with. */
  comparedWith: 'same-leg' | 'other-leg-copies' | 'single-leg' | 'none';
  /** The RST's TTL and IP ID both continue the claimed sender's own packets. */
  matchesPeerStack: boolean;
  /** Estimated hops between the RST's sender and the capture point, from common initial TTLs (64/128/255). */
  hopsAway: number | null;
  peerHopsAway: number | null;
}

const INITIAL_TTLS = [32, 64, 128, 255];

export function hopsFromTtl(ttl: number): number {
  for (const init of INITIAL_TTLS) if (ttl <= init) return init - ttl;
  return 0;
}

type Rst = Connection['rsts'][number];

/**
 * The claimed sender's TTL range on the RST's leg. A two-leg capture holds each packet of the side
 * once as sent on its own leg and once, lower, as forwarded onto the other: a reset is compared with
 * the copies on its own leg, never with the other leg's.
 */
function referenceTtl(peer: Endpoint, rst: Rst): { lo: number; hi: number; how: RstAttribution['comparedWith'] } | null {
  const own = peer.maxTtlNoRst >= 0 ? { lo: peer.minTtlNoRst, hi: peer.maxTtlNoRst } : null;
  const copies = peer.copies > 0 ? { lo: peer.copyMinTtl, hi: peer.copyMaxTtl } : null;
  if (!copies) return own ? { ...own, how: 'single-leg' } : null;
  const legsKnown = peer.copyLeg !== peer.nearLeg;
  if (legsKnown) {
    if (rst.leg === peer.copyLeg) return { ...copies, how: 'other-leg-copies' };
    if (rst.leg === peer.nearLeg && own) return { ...own, how: 'same-leg' };
    return null;
  }
  // Legs not told apart by the capture: a reset that has its own copy crossed the device like the
  // side's other packets (its first copy is on the sender's leg); one seen once cannot be placed.
  if (rst.copyTtl >= 0 && own) return { ...own, how: 'same-leg' };
  return null;
}

/** Attributes one RST of a connection. `rst` comes from conn.rsts. */
export function attributeRst(c: Connection, rst: Rst, vantage: Vantage = vantageOf(c)): RstAttribution {
  const claimedFrom = rst.fromClient ? 'client' : 'server';
  const peer = rst.fromClient ? c.client : c.server;
  const other = rst.fromClient ? c.server : c.client;
  const indicators: RstAttribution['indicators'] = [];
  const peerNonRst = peer.packets - peer.resets;
  const ref = peerNonRst > 0 ? referenceTtl(peer, rst) : null;
  let ttlMatches = false;
  if (ref) {
    // Constant TTL (lo == hi) means a fixed hop distance, so any difference is a different sender;
    // a TTL that varies itself needs a margin.
    const constant = ref.lo === ref.hi;
    const outside = rst.ttl < ref.lo || rst.ttl > ref.hi;
    const diff = Math.min(Math.abs(rst.ttl - ref.lo), Math.abs(rst.ttl - ref.hi));
    const where = ref.how === 'other-leg-copies' ? ` on the leg the RST was seen on (copies of the ${claimedFrom}'s packets forwarded onto it)` : ref.how === 'same-leg' ? ' on the same leg' : '';
    if (outside && (constant ? diff >= 1 : diff > 2)) {
      indicators.push({
        kind: 'ttl',
        strength: 'strong',
        detail: `RST TTL ${rst.ttl} vs ${constant ? ref.lo : `${ref.lo}–${ref.hi}`} on the ${claimedFrom}'s other packets${where} (≈${hopsFromTtl(rst.ttl)} vs ≈${hopsFromTtl(ref.lo)} hops away)`,
      });
    } else if (!outside) ttlMatches = true;
  } else if (peer.copies > 0 && seenOnTwoLegs(peer) && rst.copyTtl < 0 && peerNonRst > 0) {
    indicators.push({
      kind: 'leg',
      strength: 'strong',
      detail: `the RST was seen on one leg only, while ${peer.copies} of the ${claimedFrom}'s ${peerNonRst} other packets were seen on both legs of this in-path capture: it did not cross the capturing device like the ${claimedFrom}'s packets do`,
    });
  }
  // IP ID: the claimed sender counts up; the RST either continues the counter or does not fit.
  let ipIdContinues = false;
  if (!c.v6 && peerNonRst >= 3 && peer.ipIdIncrements >= Math.max(2, (peerNonRst - 1) * 0.6) && peer.lastIpIdNoRst >= 0) {
    const d = (rst.ipId - peer.lastIpIdNoRst) & 0xffff;
    if ((rst.ipId === 0 && peer.ipIdZero === 0) || d > 1000) {
      indicators.push({ kind: 'ip-id', strength: 'medium', detail: `RST IP ID ${rst.ipId} does not continue the ${claimedFrom}'s counter (last ${peer.lastIpIdNoRst})` });
    } else if (d >= 1 && d <= 64) ipIdContinues = true;
  }
  const matchesPeerStack = ttlMatches && ipIdContinues;
  // Timing: a reset that answers the other side's packet faster than the claimed sender could, as
  // measured from this capture point (next to the sender, its answers take microseconds).
  const rtt = rst.fromClient ? vantage.rttToClient : vantage.rttToServer;
  if (Number.isFinite(rtt) && rtt > 0.002 && !matchesPeerStack) {
    const delta = rst.ts - other.lastTime;
    if (other.lastFrame > 0 && other.lastFrame < rst.frame && delta >= 0 && delta < rtt * 0.3) {
      indicators.push({
        kind: 'timing',
        // With the claimed sender's TTL on the same leg, a fast reset is a coincidence or a close peer, not proof.
        strength: ttlMatches ? 'medium' : 'strong',
        detail: `RST ${(delta * 1000).toFixed(1)} ms after the ${rst.fromClient ? 'server' : 'client'}'s packet, faster than the ${(rtt * 1000).toFixed(1)} ms round trip from the capture point to the ${claimedFrom}`,
      });
    }
  }
  if (peer.timestamps && !rst.hasTs && (rst.flags & 0x10) !== 0 && !matchesPeerStack) {
    indicators.push({ kind: 'options', strength: 'medium', detail: `the ${claimedFrom} used TCP timestamps on every segment but this RST carries none` });
  }
  const burst = c.rsts.filter((r) => r.fromClient === rst.fromClient && Math.abs(r.ts - rst.ts) < 0.05 && r.seq !== rst.seq).length;
  if (burst >= 2) indicators.push({ kind: 'burst', strength: 'strong', detail: `${burst + 1} RSTs with different sequence numbers within 50 ms` });

  const strong = indicators.some((i) => i.strength === 'strong');
  const peerTtl = ref ? ref.lo : null;
  const verdict = strong ? 'middlebox' : ref === null ? 'undetermined' : 'peer';
  return {
    frame: rst.frame,
    claimedFrom,
    verdict,
    indicators,
    rstTtl: rst.ttl,
    peerTtl,
    comparedWith: ref ? ref.how : 'none',
    matchesPeerStack,
    hopsAway: hopsFromTtl(rst.ttl),
    peerHopsAway: peerTtl === null ? null : hopsFromTtl(peerTtl),
  };
}
