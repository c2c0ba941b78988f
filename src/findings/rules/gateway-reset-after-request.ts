/**
 * The RD Gateway closed the connection right after the client's HTTP request, without any HTTP
 * answer (protocol-facts §8.1 item 7, §8.4): FreeRDP documents that Microsoft's gateway "just
 * terminates the TLS connection without sending an answer if it is not happy with the HTTP
 * request" (wrong URL, unsupported transport or headers). Inferred. With keys the request is
 * known (medium); without keys: the first client record after the TLS handshake and then a
 * server close with no server record (low).
 */
import type { FindingContext } from '../context.js';
import { CLOSES } from '../filters.js';
import { kind, type Rule } from '../rule.js';
import { makeFinding, type Finding } from '../types.js';
import { firstCloseFrame, tsOf } from './rdp-finding-helpers.js';
import { gatewayLikelihood } from './gateway-finding-helpers.js';

export const GATEWAY_RESET_AFTER_REQUEST = kind({
  id: 'gateway.reset-after-request',
  title: 'The RD Gateway closed the connection after the HTTP request without answering',
  severity: 'error',
  category: 'gateway',
  documented: false,
  cause: 'gateway-denied',
  rank: 40,
});

const ALERT_SIZE = 40;

export const rule: Rule = {
  kinds: [GATEWAY_RESET_AFTER_REQUEST],
  run(ctx: FindingContext): Finding[] {
    const out: Finding[] = [];
    for (const v of ctx.conns) {
      const rec = v.rec;
      const likely = gatewayLikelihood(ctx, v);
      if (!rec || likely === 'no') continue;
      const t = rec.tls;
      const hc = t.handshakeComplete;
      if (!hc) continue;
      const close = firstCloseFrame(v);
      const serverAlert = t.alerts.find((a) => a.from === 'server' && a.frame > hc.frame);
      if (!close || (close.fromClient && !serverAlert)) continue;
      const closeFrame = serverAlert && serverAlert.frame < close.frame ? serverAlert.frame : close.frame;
      const requests = rec.rdg.http.filter((h) => h.method !== undefined);
      const responses = rec.rdg.http.filter((h) => h.status !== undefined);
      let reqFrame: number;
      let decrypted: boolean;
      if (requests.length > 0) {
        if (responses.length > 0) continue;
        reqFrame = requests[requests.length - 1]!.frame;
        decrypted = true;
      } else {
        if (t.decryption?.ok) continue;
        const after = t.firstRecords.filter((r) => r.frame > hc.frame && r.length > ALERT_SIZE);
        const firstClient = after.find((r) => r.dir === 0);
        if (!firstClient || after.some((r) => r.dir === 1 && r.frame > firstClient.frame)) continue;
        reqFrame = firstClient.frame;
        decrypted = false;
      }
      if (closeFrame < reqFrame) continue;
      const closeAt = tsOf(v, closeFrame);
      const reqAt = tsOf(v, reqFrame);
      if (closeAt - reqAt > 10) continue;
      const req = requests[requests.length - 1];
      out.push(
        makeFinding({
          kind: GATEWAY_RESET_AFTER_REQUEST,
          conn: v.conn,
          confidence: decrypted && likely !== 'possible' ? 'medium' : 'low',
          frames: [reqFrame, closeFrame],
          at: closeAt,
          detail:
            (req ? `The client sent ${req.method} ${req.path ?? ''} (frame ${reqFrame})` : `The client sent its first request after the TLS handshake (record at frame ${reqFrame}, not decrypted)`) +
            ` and the gateway closed the connection (frame ${closeFrame}, ${((closeAt - reqAt) * 1000).toFixed(0)} ms later) without any HTTP response. ` +
            `FreeRDP documents this as how the Microsoft RD Gateway rejects an HTTP request it does not like (wrong URL, transport not enabled, unexpected headers) — inferred; it retries with RPC-over-HTTP. Check the gateway's transport settings and any reverse proxy in front of it.`,
          filter: { also: CLOSES, tls: true },
          evidence: [
            { frame: reqFrame, at: reqAt, what: req ? `${req.method} ${req.path ?? ''}` : 'first client record after the handshake' },
            { frame: closeFrame, at: closeAt, what: 'gateway close, no HTTP response' },
          ],
          data: { decrypted, method: req?.method ?? null, likelihood: likely },
        }),
      );
    }
    return out;
  },
};
