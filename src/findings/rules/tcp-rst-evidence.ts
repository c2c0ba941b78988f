/**
 * Who really sent a reset, for the reset rules (protocol-facts §3.4, all inferred). Builds on
 * `attributeRst` (src/session/rst-attribution.ts) and re-does its TTL comparison against a
 * reference that excludes the RST itself: the TTL of the claimed sender's handshake packet
 * (SYN-ACK for the server, SYN for the client). `attributeRst` compares with the endpoint's
 * min/max TTL, which include the RST's own TTL, so its TTL indicator cannot fire (reported to
 * the lead). Hop counts are estimated from the common initial TTLs 64/128/255 — UNVERIFIED
 * defaults (protocol-facts §11 row 21).
 */
import type { Connection } from '../../reassembly/connection.js';
import { attributeRst, hopsFromTtl, type RstAttribution } from '../../session/rst-attribution.js';
import type { ConnView } from '../context.js';

type Rst = Connection['rsts'][number];

export interface RstJudgement extends RstAttribution {
  /** TTL of the claimed sender's own handshake packet, used as the reference. */
  refTtl: number | null;
  refFrame: number | null;
  /** The claimed sender went on sending (non-RST) after the reset: it did not reset. */
  peerKeptSending: boolean;
}

const INITIAL = [32, 64, 128, 255];
const initialOf = (ttl: number): number => INITIAL.find((i) => ttl <= i) ?? 255;

export function judgeRst(v: ConnView, rst: Rst): RstJudgement {
  const c = v.conn;
  const base = v.close.rst && v.close.rst.frame === rst.frame ? v.close.rst : attributeRst(c, rst);
  const indicators = base.indicators.filter((i) => i.kind !== 'ttl');
  const claimed = rst.fromClient ? 'client' : 'server';
  const peer = rst.fromClient ? c.client : c.server;
  // Reference TTL: the handshake packet of the claimed sender, from the timeline.
  let refTtl: number | null = null;
  let refFrame: number | null = null;
  const want = rst.fromClient ? 'tcp.syn' : 'tcp.syn_ack';
  const ev = v.rec?.timeline.events.find((e) => e.type === want && e.frame < rst.frame);
  if (ev && typeof (ev as { ttl?: unknown }).ttl === 'number') {
    refTtl = (ev as unknown as { ttl: number }).ttl;
    refFrame = ev.frame;
  } else if (peer.firstFrame > 0 && peer.firstFrame < rst.frame && peer.firstTtl >= 0) {
    refTtl = peer.firstTtl;
    refFrame = peer.firstFrame;
  }
  if (refTtl !== null && refTtl !== rst.ttl) {
    const diff = Math.abs(rst.ttl - refTtl);
    const rstHops = hopsFromTtl(rst.ttl);
    const refHops = hopsFromTtl(refTtl);
    const familyDiffers = initialOf(rst.ttl) !== initialOf(refTtl);
    // The peer's own TTL varies (route changes) by at least as much: weaker evidence.
    const spread = peer.maxTtl - peer.minTtl;
    const peerVaries = spread > diff && spread > 0;
    const strong = !peerVaries && (familyDiffers || rstHops < refHops || diff > 2);
    indicators.unshift({
      kind: 'ttl',
      strength: strong ? 'strong' : 'medium',
      detail:
        `RST TTL ${rst.ttl} (≈${rstHops} hops away) vs TTL ${refTtl} on the ${claimed}'s ${rst.fromClient ? 'SYN' : 'SYN-ACK'} (frame ${refFrame}, ≈${refHops} hops away)` +
        (familyDiffers ? ', a different initial TTL' : rstHops < refHops ? `: sent by something ${refHops - rstHops} hop(s) closer than the ${claimed}` : '') +
        ' (initial TTLs 64/128/255 assumed — UNVERIFIED defaults)',
    });
  }
  // The claimed sender keeps sending after its "reset": it never reset.
  const laterOwnRst = c.rsts.some((r) => r.fromClient === rst.fromClient && r.frame === peer.lastFrame);
  const peerKeptSending = peer.lastFrame > rst.frame && !laterOwnRst;
  if (peerKeptSending) {
    indicators.unshift({ kind: 'burst', strength: 'strong', detail: `the ${claimed} kept sending after the RST (its last packet is frame ${peer.lastFrame})` });
  }
  const strong = indicators.some((i) => i.strength === 'strong');
  return {
    ...base,
    indicators,
    verdict: strong ? 'middlebox' : refTtl === null && base.peerTtl === null ? 'undetermined' : 'peer',
    peerTtl: refTtl ?? base.peerTtl,
    peerHopsAway: refTtl !== null ? hopsFromTtl(refTtl) : base.peerHopsAway,
    refTtl,
    refFrame,
    peerKeptSending,
  };
}
