/**
 * Helpers for the RD Gateway rules (protocol-facts §8): which connections are gateway
 * connections (RDG HTTP seen, or TLS/TCP to 443 towards the host the user named, or towards a
 * host other connections used as a gateway), and the user-facing name of a status code.
 */
import { hintAddress, type ConnView, type FindingContext } from '../context.js';

/** RDG traffic seen on this connection. */
export function isGateway(v: ConnView): boolean {
  return v.protocol === 'rdp-gateway';
}

/** Per diagnosis: the hosts other connections used as a gateway, and whether any direct RDP was seen. */
const summaries = new WeakMap<FindingContext, { gatewayHosts: Set<string>; anyRdp: boolean }>();

function summary(ctx: FindingContext): { gatewayHosts: Set<string>; anyRdp: boolean } {
  let s = summaries.get(ctx);
  if (!s) {
    s = { gatewayHosts: new Set(), anyRdp: false };
    for (const o of ctx.conns) {
      if (isGateway(o)) s.gatewayHosts.add(o.conn.server.ip);
      if (o.protocol === 'rdp') s.anyRdp = true;
    }
    summaries.set(ctx, s);
  }
  return s;
}

/** How sure we are that a 443 connection is an RD Gateway connection. */
export function gatewayLikelihood(ctx: FindingContext, v: ConnView): 'certain' | 'hinted' | 'possible' | 'no' {
  if (isGateway(v)) return 'certain';
  const c = v.conn;
  if (c.transport !== 'tcp' || c.server.port !== 443) return 'no';
  // (v itself is not a gateway connection here, so any gateway towards this host is another one.)
  const s = summary(ctx);
  if (s.gatewayHosts.has(c.server.ip)) return 'certain';
  if (hintAddress(ctx.serverHint) === c.server.ip.toLowerCase()) return 'hinted';
  // A capture with no direct RDP at all and only 443 towards this host: possibly a gateway.
  if (!s.anyRdp) return 'possible';
  return 'no';
}

/** A later connection from the same client to the same gateway that got past HTTP auth. */
export function gatewayLaterSucceeded(ctx: FindingContext, v: ConnView): boolean {
  return ctx.conns.some(
    (o) =>
      o !== v &&
      o.conn.client.ip === v.conn.client.ip &&
      o.conn.server.ip === v.conn.server.ip &&
      o.conn.firstFrame > v.conn.firstFrame &&
      (o.rec?.rdg.http.some((h) => h.status !== undefined && (h.status === 101 || (h.status >= 200 && h.status < 300))) || o.rec?.rdg.tunnel !== null),
  );
}
