/**
 * Who really sent a reset, for the reset rules (protocol-facts §3.4, all inferred): the session
 * layer's attribution (src/session/rst-attribution.ts: same-leg TTL, IP ID, timing against the round
 * trip from the capture point to the claimed sender, one-leg resets in two-leg captures), plus what
 * only the rules look at — the claimed sender's handshake packet as the evidence to show, and whether
 * the claimed sender went on sending after its "reset".
 */
import type { Connection } from '../../reassembly/connection.js';
import { attributeRst, type RstAttribution } from '../../session/rst-attribution.js';
import type { ConnView } from '../context.js';

type Rst = Connection['rsts'][number];

export interface RstJudgement extends RstAttribution {
  /** TTL of the claimed sender's own handshake packet (shown as evidence when the RST was compared with its leg). */
  refTtl: number | null;
  refFrame: number | null;
  /** The claimed sender went on sending (non-RST) after the reset: it did not reset. */
  peerKeptSending: boolean;
}

export function judgeRst(v: ConnView, rst: Rst): RstJudgement {
  const c = v.conn;
  const base = v.close.rst && v.close.rst.frame === rst.frame ? v.close.rst : attributeRst(c, rst, v.vantage);
  const indicators = [...base.indicators];
  const claimed = rst.fromClient ? 'client' : 'server';
  const peer = rst.fromClient ? c.client : c.server;
  // Evidence: the claimed sender's handshake packet, from the timeline (its TTL is the one on its own leg).
  let refTtl: number | null = null;
  let refFrame: number | null = null;
  if (base.comparedWith === 'same-leg' || base.comparedWith === 'single-leg') {
    const want = rst.fromClient ? 'tcp.syn' : 'tcp.syn_ack';
    const ev = v.rec?.timeline.events.find((e) => e.type === want && e.frame < rst.frame);
    if (ev && typeof (ev as { ttl?: unknown }).ttl === 'number') {
      refTtl = (ev as unknown as { ttl: number }).ttl;
      refFrame = ev.frame;
    } else if (peer.firstFrame > 0 && peer.firstFrame < rst.frame && peer.firstTtl >= 0) {
      refTtl = peer.firstTtl;
      refFrame = peer.firstFrame;
    }
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
    verdict: strong ? 'middlebox' : base.verdict,
    refTtl: refTtl ?? base.peerTtl,
    refFrame,
    peerKeptSending,
  };
}
