/**
 * Server ends a Standard-RDP-Security connection right after the MCS Connect Initial
 * (inferred, protocol-facts §4.2–4.4, §10 rows 7–8): the client offered only Standard RDP
 * Security (no RDP_NEG_REQ, or requestedProtocols 0), the server answered with a bare
 * Connection Confirm, then — instead of an MCS Connect Response — sent a Disconnect Provider
 * Ultimatum or closed. Servers that require TLS/NLA behave so when the client gives them no
 * negotiation request to refuse (xrdp logs "Server requires TLS for security, but the client
 * did not request TLS"); with an RDP_NEG_REQ, Windows answers RDP_NEG_FAILURE SSL_REQUIRED_BY_SERVER.
 */
import type { FindingContext } from '../context.js';
import { CLOSES } from '../filters.js';
import { isRdpish } from '../context.js';
import { kind, type Rule } from '../rule.js';
import { makeFinding, type Finding } from '../types.js';
import { tsOf } from './rdp-finding-helpers.js';

export const RDP_SERVER_REQUIRES_TLS = kind({
  id: 'rdp.server-requires-tls',
  title: 'The server ended a Standard RDP Security connection before the MCS response (it probably requires TLS/NLA)',
  severity: 'error',
  category: 'rdp',
  documented: false,
  cause: 'rdp-negotiation-failure',
  rank: 25,
});

export const rule: Rule = {
  kinds: [RDP_SERVER_REQUIRES_TLS],
  run(ctx: FindingContext): Finding[] {
    const out: Finding[] = [];
    for (const v of ctx.conns) {
      const rec = v.rec;
      if (!isRdpish(v) || !rec) continue;
      const rdp = rec.rdp;
      if (rdp.negotiation !== 'none' || (rdp.requestedProtocols !== null && rdp.requestedProtocols !== 0)) continue;
      const ev = rec.timeline.events;
      const ci = ev.find((e) => e.type === 'rdp.mcs_connect_initial');
      if (!ci || ev.some((e) => e.type === 'rdp.mcs_connect_response')) continue;
      const dpu = rdp.dpu && rdp.dpu.dir === 1 ? rdp.dpu : null;
      const close = v.close;
      const serverClosed = dpu !== null || (close.closedBy === 'server' && (close.closeKind === 'rst' || close.closeKind === 'fin' || close.closeKind === 'dpu'));
      if (!serverClosed) continue;
      const frames = [rdp.negFrame ?? ci.frame, ci.frame, ...(dpu ? [dpu.frame] : []), ...(close.frame ? [close.frame] : [])];
      const endFrame = dpu?.frame ?? close.frame ?? ci.frame;
      out.push(
        makeFinding({
          kind: RDP_SERVER_REQUIRES_TLS,
          conn: v.conn,
          confidence: 'medium',
          frames,
          at: tsOf(v, endFrame),
          detail:
            `The client's X.224 Connection Request carried ${rdp.requestedProtocols === null ? 'no RDP_NEG_REQ (legacy request: Standard RDP Security only)' : 'requestedProtocols 0 (Standard RDP Security only)'}; ` +
            `the server answered with a bare Connection Confirm (frame ${rdp.negFrame ?? '?'}) and then, instead of an MCS Connect Response to the Connect Initial (frame ${ci.frame}), ` +
            `${dpu ? `sent a Disconnect Provider Ultimatum (frame ${dpu.frame})` : 'closed'}${close.frame && close.frame !== dpu?.frame ? ` and ${close.closeKind === 'rst' ? 'reset' : 'closed'} the connection (frame ${close.frame})` : ''}. ` +
            'Inferred: the server requires TLS or NLA and the client offered neither (xrdp logs "Server requires TLS for security, but the client did not request TLS").',
          filter: { also: CLOSES },
          evidence: [
            { frame: ci.frame, at: ci.ts, what: 'MCS Connect Initial (Standard RDP Security)' },
            ...(dpu ? [{ frame: dpu.frame, at: tsOf(v, dpu.frame), what: `server Disconnect Provider Ultimatum (reason ${dpu.reason})` }] : []),
            ...(close.frame ? [{ frame: close.frame, at: tsOf(v, close.frame), what: `server ${close.closeKind}` }] : []),
          ],
          data: { failureCode: 1, requestedProtocols: rdp.requestedProtocols },
        }),
      );
    }
    return out;
  },
};
