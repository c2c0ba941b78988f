/**
 * X.224 Connection Request without a Connection Confirm (protocol-facts §10 row 6): the client
 * sent its CR (cookie + RDP_NEG_REQ) and the connection ended — FIN, RST or silence — before any
 * CC. Context only: who closed and whether the reset was forged is the network rules' business
 * (tcp resets, middlebox attribution); this finding fixes the phase at which it happened.
 */
import type { FindingContext } from '../context.js';
import { CLOSES } from '../filters.js';
import { isRdpish } from '../context.js';
import { kind, type Rule } from '../rule.js';
import { makeFinding, type Finding } from '../types.js';
import { closeText, protocolsText, tsOf } from './rdp-finding-helpers.js';

export const RDP_X224_NO_CONFIRM = kind({
  id: 'rdp.x224-no-confirm',
  title: 'The server never answered the X.224 Connection Request',
  severity: 'warning',
  category: 'rdp',
  documented: false,
  cause: null,
  rank: 100,
});

export const rule: Rule = {
  kinds: [RDP_X224_NO_CONFIRM],
  run(ctx: FindingContext): Finding[] {
    const out: Finding[] = [];
    for (const v of ctx.conns) {
      const rec = v.rec;
      if (!isRdpish(v) || !rec || v.protocol !== 'rdp') continue;
      const cr = rec.timeline.events.find((e) => e.type === 'rdp.x224_connection_request');
      if (!cr || rec.rdp.negotiation !== null) continue;
      if (v.close.closeKind === 'open') continue;
      const c = v.conn;
      const endFrame = v.close.frame ?? c.lastFrame;
      const endAt = v.close.at ?? tsOf(v, endFrame);
      out.push(
        makeFinding({
          kind: RDP_X224_NO_CONFIRM,
          conn: c,
          confidence: 'high',
          frames: [cr.frame, endFrame],
          at: endAt,
          detail:
            `The client sent an X.224 Connection Request (frame ${cr.frame}, requestedProtocols ${protocolsText(rec.rdp.requestedProtocols)}) and ${closeText(v)} ${((endAt - cr.ts) * 1000).toFixed(0)} ms later, with no Connection Confirm. ` +
            `Either the RDP listener rejected the request, something that inspects the clear-text request (RDP-blocking IPS, load balancer without a healthy back end, a port forward to a non-RDP service) ended it, or the path lost it; see the transport findings for who really closed it.`,
          filter: { also: CLOSES },
          evidence: [
            { frame: cr.frame, at: cr.ts, what: 'X.224 Connection Request' },
            { frame: endFrame, at: endAt, what: `end: ${v.close.closeKind} by ${v.close.closedBy ?? 'unknown'}` },
          ],
          data: { crFrame: cr.frame, closeKind: v.close.closeKind, closedBy: v.close.closedBy, requestedProtocols: rec.rdp.requestedProtocols },
        }),
      );
    }
    return out;
  },
};
