/**
 * RD Gateway refused the HTTP transport (protocol-facts §8.1 item 7, §10 row 22): 403, 404, 410
 * or 5xx to RDG_OUT_DATA/RDG_IN_DATA, or a WebSocket upgrade answered with something else than
 * 101 (and not an authentication 401). FreeRDP then retries with RPC-over-HTTP (documented in
 * FreeRDP rdg.c). Needs the outer TLS decrypted.
 */
import type { FindingContext } from '../context.js';
import type { RdgHttpRequest } from '../../protocols/rdg/events.js';
import { kind, type Rule } from '../rule.js';
import { makeFinding, type Finding } from '../types.js';
import { tsOf } from './rdp-finding-helpers.js';
import { gatewayLaterSucceeded, isGateway } from './gateway-finding-helpers.js';

export const GATEWAY_HTTP_ERROR = kind({
  id: 'gateway.http-error',
  title: 'RD Gateway refused the HTTP request',
  severity: 'error',
  category: 'gateway',
  documented: true,
  cause: 'gateway-denied',
  rank: 40,
});

const MEANING: Record<number, string> = {
  403: 'forbidden: the gateway (or a reverse proxy in front of it) refuses this client or URL',
  404: 'not found: wrong URL/host, or the HTTP transport is not enabled on this gateway',
  410: 'gone: the HTTP transport is not available (FreeRDP falls back to RPC-over-HTTP)',
  500: 'internal server error on the gateway',
  502: 'bad gateway: a reverse proxy could not reach the RD Gateway service',
  503: 'service unavailable: the gateway service is stopped, overloaded or at its connection limit',
  504: 'gateway timeout at a reverse proxy',
};

export const rule: Rule = {
  kinds: [GATEWAY_HTTP_ERROR],
  run(ctx: FindingContext): Finding[] {
    const out: Finding[] = [];
    for (const v of ctx.conns) {
      const rdg = v.rec?.rdg;
      if (!rdg || !isGateway(v)) continue;
      const upgrade = v.rec!.timeline.events.some((e) => e.type === 'rdg.http_request' && (e as RdgHttpRequest).upgradeWebsocket);
      for (const h of rdg.http) {
        const s = h.status;
        if (s === undefined) continue;
        const refusedUpgrade = upgrade && s !== 101 && s !== 401 && s >= 200 && s < 300;
        if (!(s === 403 || s === 404 || s === 410 || s >= 500 || refusedUpgrade)) continue;
        const later = gatewayLaterSucceeded(ctx, v);
        const at = tsOf(v, h.frame);
        out.push(
          makeFinding({
            kind: GATEWAY_HTTP_ERROR,
            conn: v.conn,
            confidence: later ? 'low' : 'high',
            ...(later ? { cause: null } : {}),
            frames: [h.frame],
            at,
            title: `RD Gateway answered HTTP ${s}${h.reason ? ` ${h.reason}` : ''}`,
            detail:
              `The gateway answered HTTP ${s} "${h.reason ?? ''}" (frame ${h.frame})${refusedUpgrade ? ' to a WebSocket upgrade request (101 expected)' : ''}: ${MEANING[s] ?? (s >= 500 ? 'server-side error on the gateway or a proxy' : 'the request was refused')}. ` +
              `FreeRDP treats 403/404/410 as "HTTP transport unsupported" and retries with RPC-over-HTTP.` +
              (later ? ' A later connection to the same gateway got further.' : ''),
            filter: { tls: true },
            evidence: [{ frame: h.frame, at, what: `HTTP ${s} ${h.reason ?? ''}` }],
            data: { status: s, reason: h.reason ?? null, websocketUpgradeRefused: refusedUpgrade },
          }),
        );
      }
    }
    return out;
  },
};
