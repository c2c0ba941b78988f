/**
 * RD Gateway HTTP authentication failed (MS-TSGU 3.3.5.1 / 4.2.1; protocol-facts §8.1, §10 row
 * 21): the RDG_OUT_DATA / RDG_IN_DATA request legs were answered with 401 and the connection
 * ended without a 200/101 — and no later connection to the same gateway got past it. Needs the
 * outer TLS decrypted (the HTTP is inside). Documented flow; the reading of the final 401 as
 * "credentials or scheme refused" is inferred.
 */
import type { FindingContext } from '../context.js';
import { kind, type Rule } from '../rule.js';
import { makeFinding, type Finding } from '../types.js';
import { closeText, tsOf } from './rdp-finding-helpers.js';
import { gatewayLaterSucceeded, isGateway } from './gateway-finding-helpers.js';

export const GATEWAY_HTTP_AUTH_FAILED = kind({
  id: 'gateway.http-auth-failed',
  title: 'RD Gateway authentication failed (HTTP 401)',
  severity: 'error',
  category: 'gateway',
  documented: true,
  cause: 'gateway-auth-failure',
  rank: 40,
});

export const rule: Rule = {
  kinds: [GATEWAY_HTTP_AUTH_FAILED],
  run(ctx: FindingContext): Finding[] {
    const out: Finding[] = [];
    for (const v of ctx.conns) {
      const rdg = v.rec?.rdg;
      if (!rdg || !isGateway(v)) continue;
      const responses = rdg.http.filter((h) => h.status !== undefined);
      const last = responses[responses.length - 1];
      if (!last || last.status !== 401) continue;
      if (responses.some((h) => h.status === 101 || (h.status! >= 200 && h.status! < 300))) continue;
      if (v.close.closeKind === 'open') continue;
      const later = gatewayLaterSucceeded(ctx, v);
      const requests = rdg.http.filter((h) => h.method !== undefined);
      const legs = responses.filter((h) => h.status === 401).length;
      const schemesUsed = [...new Set(requests.map((r) => r.authScheme).filter((s): s is string => !!s))];
      const offered = [...new Set(responses.flatMap((r) => r.wwwAuthenticate ?? []))];
      const at = tsOf(v, last.frame);
      out.push(
        makeFinding({
          kind: GATEWAY_HTTP_AUTH_FAILED,
          conn: v.conn,
          confidence: later ? 'low' : 'high',
          ...(later ? { cause: null } : {}),
          frames: [...requests.map((r) => r.frame), ...responses.map((r) => r.frame)],
          at,
          detail:
            `${requests.length} gateway request(s) (${[...new Set(requests.map((r) => r.method))].join(', ')} ${requests[0]?.path ?? ''}) sent ${schemesUsed.length ? `with Authorization ${schemesUsed.join('/')}` : 'without Authorization'}; ${legs} answered 401 ${last.reason ? `"${last.reason}"` : ''} (last at frame ${last.frame}), the gateway offering ${offered.join(', ') || 'no scheme'}; no 200/101 followed and ${closeText(v)}. ` +
            `The gateway did not accept the credentials or the authentication scheme (wrong gateway credentials, account restrictions, Kerberos to the gateway failing and NTLM not offered, or the client not supporting any offered scheme). Check the gateway's logs (TerminalServices-Gateway, Security) for the logon.` +
            (later ? ' A later connection to the same gateway got past authentication (normal multi-leg negotiation).' : ''),
          filter: { tls: true },
          evidence: [...requests.slice(0, 4).map((r) => ({ frame: r.frame, at: tsOf(v, r.frame), what: `${r.method} ${r.path ?? ''}${r.authScheme ? ` (Authorization ${r.authScheme})` : ''}` })), ...responses.slice(-3).map((r) => ({ frame: r.frame, at: tsOf(v, r.frame), what: `HTTP ${r.status} ${r.reason ?? ''}` }))],
          data: { legs, lastReason: last.reason ?? null, schemesUsed, schemesOffered: offered },
        }),
      );
    }
    return out;
  },
};
