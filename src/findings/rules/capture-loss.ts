/**
 * The capture itself lost packets (protocol-facts §3.3 "ACKed unseen segment", §10 row 30): the
 * pcapng Interface Statistics / live drop counters report drops (capture-wide finding, connection
 * null), or a peer acknowledged data this capture never saw. Context only; `data.captureLoss`
 * tells the verdict to lower the confidence of loss-based findings. Documented (pcapng ISB,
 * Wireshark's analysis rules).
 */
import type { FindingContext } from '../context.js';
import { ALSO } from '../filters.js';
import { kind, type Rule } from '../rule.js';
import { makeFinding, type Finding } from '../types.js';
import { isRelevant } from './tcp-phase.js';

export const CAPTURE_LOSS = kind({
  id: 'capture.loss',
  title: 'The capture missed packets',
  severity: 'warning',
  category: 'capture',
  documented: true,
  cause: null,
  rank: 100,
});

export const rule: Rule = {
  kinds: [CAPTURE_LOSS],
  run(ctx: FindingContext): Finding[] {
    const out: Finding[] = [];
    if (ctx.captureDrops !== null && ctx.captureDrops > 0) {
      out.push(makeFinding({
        kind: CAPTURE_LOSS, conn: null, confidence: 'high', frames: [], at: ctx.captureEnd,
        detail: `The capture's own counters (pcapng Interface Statistics / live capture statistics) report ${ctx.captureDrops} packet(s) dropped by the capturing host, not by the network. Retransmissions, gaps and "lost segments" in this capture may be artefacts: loss-based conclusions are less certain.`,
        filter: {},
        data: { captureLoss: true, drops: ctx.captureDrops },
      }));
    }
    for (const v of ctx.conns) {
      const c = v.conn;
      const unseen = c.client.ackedUnseen + c.server.ackedUnseen;
      // At the start of a capture that missed the handshake this is expected (Wireshark: "common at capture start").
      if (unseen === 0 || c.transport !== 'tcp' || (!c.synAck && c.syns.length === 0)) continue;
      const relevant = isRelevant(v);
      out.push(makeFinding({
        kind: CAPTURE_LOSS, conn: c, confidence: relevant ? 'high' : 'medium', frames: [], at: c.start,
        detail: `${unseen} segment(s) of this connection were acknowledged by the other side but never appear in the capture ("ACKed unseen segment": client ${c.client.ackedUnseen}, server ${c.server.ackedUnseen}): the network delivered them, the capture missed them. Gaps and loss seen in this capture for this connection are partly capture artefacts.`,
        filter: { also: [ALSO.ackLostSegment] },
        data: { captureLoss: true, ackedUnseen: unseen, server: c.server.ip, port: c.server.port },
      }));
    }
    return out;
  },
};
