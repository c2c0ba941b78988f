/**
 * RDP_NEG_FAILURE in the X.224 Connection Confirm (MS-RDPBCGR 2.2.1.2.2; protocol-facts §4.4,
 * §10 row 7): the server refused every security protocol the client offered and names why.
 * Documented: the six failure codes (FreeRDP, Wireshark, Zeek agree) and FreeRDP's fallback and
 * ERRCONNECT mapping. A retrying client opens a new connection with other requestedProtocols:
 * the retry's outcome is reported with the failure.
 */
import { rdpNegFailure } from '../../codes/rdp-neg-failure.js';
import type { FindingContext } from '../context.js';
import { CLOSES } from '../filters.js';
import { isRdpish } from '../context.js';
import { kind, type Rule } from '../rule.js';
import { makeFinding, type Finding } from '../types.js';
import { closeText, hex, previousConnection, protocolsText, retriesOf, retrySentence, tsOf } from './rdp-finding-helpers.js';

export const RDP_NEGOTIATION_FAILURE = kind({
  id: 'rdp.negotiation-failure',
  title: 'The server refused the security protocols the client offered (RDP_NEG_FAILURE)',
  severity: 'error',
  category: 'rdp',
  documented: true,
  cause: 'rdp-negotiation-failure',
  rank: 25,
});

/** FreeRDP's handling of each failure code (protocol-facts §4.4, [S-FREERDP] nego.c; not normative). */
const FREERDP_AFTER: Record<number, string> = {
  1: 'FreeRDP retries with TLS only; with no fallback left it reports ERRCONNECT_SECURITY_NEGO_CONNECT_FAILED',
  2: 'FreeRDP retries with Standard RDP Security; with no fallback left it reports ERRCONNECT_SECURITY_NEGO_CONNECT_FAILED',
  3: 'FreeRDP reports ERRCONNECT_TLS_CONNECT_FAILED',
  5: 'FreeRDP retries with NLA only; with no fallback left it reports ERRCONNECT_HYBRID_REQUIRED_BY_SERVER',
};

/** What to change, per failure code. */
const ADVICE: Record<number, string> = {
  1: 'the server requires TLS: allow TLS on the client (mstsc: do not force "RDP" security; FreeRDP: /sec:tls or /sec:nla).',
  2: 'the server allows only Standard RDP Security (SecurityLayer = 0): enable TLS on the server (SecurityLayer 1 or 2) or, less safely, allow RDP security on the client.',
  3: 'the server has no usable TLS certificate: check the RDP listener certificate and its private key on the server.',
  4: 'the client sent an invalid requestedProtocols combination: a client bug or a modified client configuration.',
  5: 'the server requires Network Level Authentication: enable NLA/CredSSP on the client (FreeRDP /sec:nla, mstsc "enablecredsspsupport:i:1") or disable "Require NLA" on the server.',
  6: 'the server requires TLS with client-certificate authentication, which the client did not offer.',
};

export const rule: Rule = {
  kinds: [RDP_NEGOTIATION_FAILURE],
  run(ctx: FindingContext): Finding[] {
    const out: Finding[] = [];
    for (const v of ctx.conns) {
      const rdp = v.rec?.rdp;
      if (!isRdpish(v) || !rdp || rdp.negotiation !== 'failure') continue;
      const c = v.conn;
      const code = rdp.negFailure ?? -1;
      const info = rdpNegFailure(code);
      const frame = rdp.negFrame ?? c.firstFrame;
      const at = tsOf(v, frame);
      const retries = retriesOf(ctx, v);
      const after = FREERDP_AFTER[code] ?? 'FreeRDP reports ERRCONNECT_SECURITY_NEGO_CONNECT_FAILED';
      const crFrame = v.rec?.machine.phases.find((p) => p.name === 'x224')?.frame ?? null;
      const recovered = retries.some((r) => r.succeeded);
      // A fallback retry after an earlier connection that got further (TLS/CredSSP): that one holds the cause.
      const prev = previousConnection(ctx, v);
      const fallback = prev !== null && (prev.rec?.machine.has('tls') ?? false) && prev.rec?.rdp.negotiation !== 'failure';
      out.push(
        makeFinding({
          kind: RDP_NEGOTIATION_FAILURE,
          conn: c,
          confidence: fallback ? 'medium' : 'high',
          // A retry that reached the active phase means the user got a session: context only.
          ...(recovered || fallback ? { cause: null } : {}),
          frames: [...(crFrame !== null && crFrame !== frame ? [crFrame] : []), frame],
          at,
          title: `RDP_NEG_FAILURE ${info.name} (${code})` + (recovered ? ' — the client retried successfully' : ''),
          detail:
            `The client requested ${protocolsText(rdp.requestedProtocols)}; the server answered the X.224 Connection Request with RDP_NEG_FAILURE failureCode ${code} ${info.name} (frame ${frame}): ${info.meaning} ` +
            `Then ${closeText(v)}. Client side: ${after}; mstsc shows a security-layer dialog (its disconnect code for this case is UNVERIFIED). Fix: ${ADVICE[code] ?? 'unknown failure code.'}` +
            retrySentence(retries, rdp.requestedProtocols) +
            (fallback ? ` This connection is the client's fallback after the previous connection (port ${prev!.conn.client.port}, frame ${prev!.conn.firstFrame}) got as far as '${prev!.rec!.machine.current ?? '?'}' and failed: that earlier failure is the one to explain.` : ''),
          filter: { also: CLOSES },
          evidence: [
            ...(crFrame !== null && crFrame !== frame ? [{ frame: crFrame, at: tsOf(v, crFrame), what: `X.224 Connection Request, requestedProtocols ${protocolsText(rdp.requestedProtocols)}` }] : []),
            { frame, at, what: `X.224 Connection Confirm with RDP_NEG_FAILURE ${info.name} (${hex(code)})` },
            ...retries.slice(0, 3).map((r) => ({ frame: r.view.conn.firstFrame, at: r.view.conn.start, what: `retry: requestedProtocols ${protocolsText(r.requestedProtocols)}, ${r.outcome}` })),
          ],
          data: {
            failureCode: code,
            failureName: info.name,
            requestedProtocols: rdp.requestedProtocols,
            retries: retries.map((r) => ({ connection: r.view.conn.id, requestedProtocols: r.requestedProtocols, succeeded: r.succeeded })),
            retrySucceeded: retries.some((r) => r.succeeded),
            fallbackAfterConnection: fallback ? prev!.conn.id : null,
          },
        }),
      );
    }
    return out;
  },
};
