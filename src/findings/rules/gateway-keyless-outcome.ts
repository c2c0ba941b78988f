/**
 * An RD Gateway attempt seen without keys (protocol-facts §8; inferred): TLS to 443 towards the
 * host the user named (--server), or, in a capture with no direct RDP, towards any host; the
 * handshake completed, the client sent its request, the gateway answered with a few records and
 * the connection closed within seconds — far too little for a tunnel carrying an RDP session.
 * The HTTP status (401, 403, 503…) is encrypted, so the cause is not decided: the finding says
 * what can be seen (who closed, after how many records, SNI, certificate) and the verdict is
 * `unknown` with that explanation when the user named the gateway. (A close right after the
 * request with no answer at all is gateway.reset-after-request.)
 */
import type { FindingContext } from '../context.js';
import { CLOSES } from '../filters.js';
import { kind, type Rule } from '../rule.js';
import { makeFinding, type Finding } from '../types.js';
import { gatewayLikelihood } from './gateway-finding-helpers.js';
import { firstCloseFrame, tsOf } from './rdp-finding-helpers.js';

export const GATEWAY_KEYLESS_OUTCOME = kind({
  id: 'gateway.keyless-outcome',
  title: 'RD Gateway attempt without TLS keys: the gateway answered the request and the connection closed',
  severity: 'warning',
  category: 'gateway',
  documented: false,
  cause: 'unknown',
  rank: 60,
});

const ALERT_SIZE = 40;
/** A tunnel that carried an RDP session moves far more than this from the gateway. */
const TUNNEL_BYTES = 64 * 1024;
/** The close must follow the last record within this many seconds. */
const CLOSE_WITHIN = 10;

export const rule: Rule = {
  kinds: [GATEWAY_KEYLESS_OUTCOME],
  run(ctx: FindingContext): Finding[] {
    const out: Finding[] = [];
    for (const v of ctx.conns) {
      const rec = v.rec;
      if (!rec || v.protocol === 'rdp-gateway') continue;
      const likely = gatewayLikelihood(ctx, v);
      if (likely !== 'hinted' && likely !== 'possible') continue;
      const t = rec.tls;
      const hc = t.handshakeComplete;
      if (!hc || t.decryption?.ok || t.records.serverBytes >= TUNNEL_BYTES) continue;
      const close = firstCloseFrame(v);
      if (!close) continue;
      const after = t.firstRecords.filter((r) => r.frame > hc.frame && r.length > ALERT_SIZE);
      const firstClient = after.find((r) => r.dir === 0);
      if (!firstClient) continue;
      const answers = after.filter((r) => r.dir === 1 && r.frame > firstClient.frame);
      if (answers.length === 0) continue; // no answer at all: gateway.reset-after-request
      const last = after[after.length - 1]!;
      if (close.ts - last.ts > CLOSE_WITHIN) continue;
      const clientRecs = after.filter((r) => r.dir === 0);
      const closer = close.fromClient ? 'the client' : 'the gateway';
      const alert = t.alerts.find((a) => a.frame > hc.frame) ?? null;
      const encAlert = t.encryptedAlerts.find((a) => a.frame > hc.frame) ?? null;
      const cert = t.certificate;
      const seen =
        `TLS ${t.sni ? `with SNI ${t.sni}` : 'without SNI'} to ${v.conn.server.ip}:${v.conn.server.port}; ` +
        (cert ? `certificate subject ${cert.subject}, issuer ${cert.issuer}${cert.selfSigned ? ' (self-signed)' : ''}; ` : 'certificate not readable (TLS 1.3 without keys); ') +
        `handshake complete (frame ${hc.frame}); the client sent ${clientRecs.length} record(s) (${clientRecs.map((r) => `${r.length} B@${r.frame}`).slice(0, 4).join(', ')}), ` +
        `the gateway answered with ${answers.length} (${answers.map((r) => `${r.length} B@${r.frame}`).slice(0, 4).join(', ')}); ` +
        `${closer} closed the connection (${close.kind.toUpperCase()}, frame ${close.frame}, ${((close.ts - last.ts) * 1000).toFixed(0)} ms after the last record${alert || encAlert ? `; ${(alert ?? encAlert)!.from} sent ${alert?.decrypted || (alert && !alert.encrypted) ? `alert ${alert.description}` : 'an encrypted alert (close_notify, most likely)'}` : ''}).`;
      const hinted = likely === 'hinted';
      out.push(
        makeFinding({
          kind: GATEWAY_KEYLESS_OUTCOME,
          conn: v.conn,
          confidence: 'low',
          ...(hinted ? {} : { cause: null, title: 'TLS to 443 that failed quickly: if this is your RD Gateway, the gateway answered the request and the connection closed' }),
          frames: [hc.frame, firstClient.frame, ...answers.slice(0, 3).map((r) => r.frame), close.frame],
          at: close.ts,
          detail:
            `${hinted ? `This is the gateway the user named (--server ${ctx.serverHint}).` : 'No direct RDP is in this capture; if this host is your RD Gateway:'} ${seen} ` +
            `A tunnel that carried an RDP session would move far more data; this exchange is one HTTP request and its answer — most likely an HTTP error (401 credentials refused, 403 policy, 503 unavailable) or a refused tunnel (inferred). ` +
            `The status is encrypted: give the TLS key log (--keylog) to read it, or check the gateway's log (Microsoft-Windows-TerminalServices-Gateway/Operational) at ${new Date(tsOf(v, close.frame) * 1000).toISOString()}.`,
          filter: { also: CLOSES, tls: true },
          evidence: [
            { frame: hc.frame, at: hc.ts, what: 'TLS handshake with the gateway complete' },
            { frame: firstClient.frame, at: firstClient.ts, what: `client request record, ${firstClient.length} bytes` },
            ...answers.slice(0, 2).map((r) => ({ frame: r.frame, at: r.ts, what: `gateway answer record, ${r.length} bytes` })),
            { frame: close.frame, at: close.ts, what: `${closer} closed (${close.kind})` },
          ],
          data: { likelihood: likely, sni: t.sni, closedBy: close.fromClient ? 'client' : 'gateway', clientRecords: clientRecs.length, serverRecords: answers.length, certificateSubject: cert?.subject ?? null },
        }),
      );
    }
    return out;
  },
};
