/**
 * Security-layer mismatch without an RDP_NEG_FAILURE (protocol-facts §4.2, §4.4, §10 row 8):
 *  - the server's RDP_NEG_RSP selects a protocol the client did not request (documented: the
 *    selectedProtocol must be one of the requested ones, MS-RDPBCGR 2.2.1.2.1; a server that
 *    only does Standard RDP Security should answer SSL_NOT_ALLOWED_BY_SERVER instead);
 *  - the server answers with a bare Connection Confirm (LI = 6, no negotiation data: Standard
 *    RDP Security only) although the client requested TLS/NLA (documented LI rule, FreeRDP nego.c);
 *  - inferred variant: the server selected an offered protocol but the client closed at once
 *    without starting it (no ClientHello) — the client is configured to require another one
 *    (e.g. FreeRDP /sec:nla offering SSL|HYBRID and refusing SSL).
 */
import type { FindingContext } from '../context.js';
import { CLOSES } from '../filters.js';
import { isRdpish } from '../context.js';
import { kind, type Rule } from '../rule.js';
import { makeFinding, type Confidence, type Finding } from '../types.js';
import { closeText, firstCloseFrame, protocolsText, retriesOf, retrySentence, tsOf } from './rdp-finding-helpers.js';

export const RDP_SECURITY_MISMATCH = kind({
  id: 'rdp.security-mismatch',
  title: 'Client and server did not agree on the RDP security layer',
  severity: 'error',
  category: 'rdp',
  documented: true,
  cause: 'rdp-negotiation-failure',
  rank: 25,
});

/** Seconds within which a client close after the Connection Confirm counts as "at once". */
const ABANDON_SECONDS = 2;

export const rule: Rule = {
  kinds: [RDP_SECURITY_MISMATCH],
  run(ctx: FindingContext): Finding[] {
    const out: Finding[] = [];
    for (const v of ctx.conns) {
      const rec = v.rec;
      if (!isRdpish(v) || !rec) continue;
      const rdp = rec.rdp;
      if (rdp.negotiation !== 'response' && rdp.negotiation !== 'none') continue;
      const req = rdp.requestedProtocols;
      const sel = rdp.selectedProtocol;
      if (req === null || sel === null) continue;
      const c = v.conn;
      const ccFrame = rdp.negFrame ?? c.firstFrame;
      const ccAt = tsOf(v, ccFrame);
      const m = rec.machine;
      // Did the connection go on with the selected protocol?
      const continued = m.has('tls') || m.has('mcs') || m.has('credssp') || rec.tls.clientHelloFrame !== null;
      const close = firstCloseFrame(v);
      const clientQuit = close !== null && close.fromClient && close.ts - ccAt <= ABANDON_SECONDS && !continued;
      let variant: 'not-offered' | 'bare-cc' | 'client-refused' | null = null;
      if (rdp.negotiation === 'none' && req !== 0) variant = 'bare-cc';
      else if (rdp.negotiation === 'response' && sel !== 0 && (sel & req) !== sel) variant = 'not-offered';
      else if (rdp.negotiation === 'response' && sel === 0 && req !== 0) variant = 'not-offered';
      else if (rdp.negotiation === 'response' && clientQuit && (req & ~sel) !== 0) variant = 'client-refused';
      if (!variant) continue;
      // A server choice the client accepted and used is not a failure.
      if (variant !== 'client-refused' && continued && (m.has('active') || m.has('mcs'))) continue;
      const retries = retriesOf(ctx, v);
      const recovered = retries.some((r) => r.succeeded);
      let confidence: Confidence;
      let what: string;
      if (variant === 'bare-cc') {
        what =
          `The client requested ${protocolsText(req)} but the server answered with a bare X.224 Connection Confirm (no RDP_NEG_RSP, frame ${ccFrame}): it offers only Standard RDP Security (old server, or SecurityLayer = RDP). ` +
          `A client that requires TLS/NLA refuses to continue (client-side error code UNVERIFIED).`;
        confidence = clientQuit || close?.fromClient ? 'high' : 'medium';
      } else if (variant === 'not-offered') {
        what =
          `The client requested ${protocolsText(req)} but the server's RDP_NEG_RSP selected ${protocolsText(sel)} (frame ${ccFrame}), which the client did not offer` +
          (sel === 0 ? ' (a server limited to Standard RDP Security should have answered SSL_NOT_ALLOWED_BY_SERVER).' : '.');
        confidence = clientQuit ? 'high' : 'medium';
      } else {
        what =
          `The client offered ${protocolsText(req)}; the server selected ${protocolsText(sel)} (frame ${ccFrame}) and the client closed ${((close!.ts - ccAt) * 1000).toFixed(0)} ms later without starting it (no TLS ClientHello): ` +
          `the client is most likely configured to require a protocol the server did not choose (e.g. NLA only) — inferred from the client's immediate close.`;
        confidence = 'medium';
      }
      const evidence = [{ frame: ccFrame, at: ccAt, what: `X.224 Connection Confirm: ${rdp.negotiation === 'none' ? 'no negotiation data (LI 6)' : `selectedProtocol ${protocolsText(sel)}`}` }];
      if (close) evidence.push({ frame: close.frame, at: close.ts, what: `${close.kind.toUpperCase()} from the ${close.fromClient ? 'client' : 'server'}` });
      out.push(
        makeFinding({
          kind: RDP_SECURITY_MISMATCH,
          conn: c,
          confidence,
          ...(recovered ? { cause: null } : {}),
          frames: evidence.map((e) => e.frame),
          at: ccAt,
          title:
            variant === 'bare-cc'
              ? 'Server offers only Standard RDP Security (bare Connection Confirm) but the client asked for TLS/NLA'
              : variant === 'not-offered'
                ? 'Server selected a security protocol the client did not offer'
                : 'Client abandoned the connection after the server chose a security protocol',
          detail: `${what} Then ${closeText(v)}.` + retrySentence(retries, req),
          filter: { also: CLOSES },
          evidence,
          data: { variant, requestedProtocols: req, selectedProtocol: sel, negotiation: rdp.negotiation, retrySucceeded: recovered },
        }),
      );
    }
    return out;
  },
};
