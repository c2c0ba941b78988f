/**
 * NLA failure inferred without an error code (protocol-facts §6.4, §10 row 16): the server
 * selected HYBRID/HYBRID_EX, the TLS handshake completed, a few CredSSP-sized records went back
 * and forth, then the server closed at once (FIN/RST/close_notify) — before any MCS Connect
 * (no Basic Settings Exchange). Inferred. With TLS keys the TSRequests are known (e.g. the
 * server closed right after the client's NTLM AUTHENTICATE without answering): medium; without
 * keys only record sizes and directions: low, medium when the client's last, large record
 * (AUTHENTICATE / AP-REQ size) was never answered.
 * The other keyless shape (Windows servers, and the password-guessing tools run against them):
 * the server answers the client's AUTHENTICATE with one more record (a TSRequest carrying the
 * errorCode) and the client closes at once (FIN, then the server's RST): low.
 */
import type { ConnectionRecord } from '../../session/connection-record.js';
import type { ConnView, FindingContext } from '../context.js';
import { CLOSES } from '../filters.js';
import { isRdpish } from '../context.js';
import { kind, type Rule } from '../rule.js';
import { makeFinding, type Confidence, type Finding } from '../types.js';
import { firstCloseFrame, tsOf } from './rdp-finding-helpers.js';

export const CREDSSP_INFERRED_FAILURE = kind({
  id: 'credssp.inferred-failure',
  title: 'NLA (CredSSP) most likely failed: the server closed during the CredSSP exchange',
  severity: 'error',
  category: 'authentication',
  documented: false,
  cause: 'credssp-auth-failure',
  rank: 80,
});

/** Records up to this size after the handshake are alerts (close_notify) or tickets' tails. */
const ALERT_SIZE = 40;
/** The server must close within this many seconds of the client's last record. */
const CLOSE_WITHIN = 5;
/** A client record this large is an NTLM AUTHENTICATE or a Kerberos AP-REQ (inferred sizes). */
const AUTH_TOKEN_SIZE = 200;
/** The client must close this soon after the server's last CredSSP record. */
const GAVE_UP_WITHIN = 2;

export const rule: Rule = {
  kinds: [CREDSSP_INFERRED_FAILURE],
  run(ctx: FindingContext): Finding[] {
    const out: Finding[] = [];
    for (const v of ctx.conns) {
      const rec = v.rec;
      if (!isRdpish(v) || v.protocol !== 'rdp' || !rec) continue;
      const sel = rec.rdp.selectedProtocol;
      if (sel !== 2 && sel !== 8) continue;
      const t = rec.tls;
      const hc = t.handshakeComplete;
      const m = rec.machine;
      if (!hc || rec.credssp.errorCode !== null || rec.rdp.earlyUserAuth !== null) continue;
      if (m.seen('mcs') || m.has('active') || m.seen('secure-settings')) continue;
      const close = firstCloseFrame(v);
      const serverAlertClose = t.alerts.find((a) => a.from === 'server' && a.frame > hc.frame);
      const closedByServer = v.close.closedBy === 'server' || (serverAlertClose !== undefined && (!close || serverAlertClose.frame <= close.frame));
      if (!close) continue;
      const after = t.firstRecords.filter((r) => r.frame > hc.frame && r.length > ALERT_SIZE);
      const client = after.filter((r) => r.dir === 0);
      if (client.length === 0 || client.length > 6) continue;
      const lastClient = client[client.length - 1]!;
      if (!closedByServer) {
        const f = clientGaveUp(v, after, close);
        if (f) out.push(f);
        continue;
      }
      const closeFrame = serverAlertClose && serverAlertClose.frame < close.frame ? serverAlertClose.frame : close.frame;
      const closeAt = tsOf(v, closeFrame) || close.ts;
      if (closeAt - lastClient.ts > CLOSE_WITHIN) continue;
      const answered = after.some((r) => r.dir === 1 && r.frame > lastClient.frame);
      if (answered) continue;
      const decrypted = rec.credssp.requests > 0;
      const lastNtlm = rec.ntlm.messages[rec.ntlm.messages.length - 1];
      let confidence: Confidence = 'low';
      let how: string;
      if (decrypted) {
        confidence = 'medium';
        how =
          `Decrypted: ${rec.credssp.requests} CredSSP TSRequest(s) (version ${rec.credssp.version ?? '?'}, ${rec.credssp.tokenKinds.join('/') || 'unknown mechanism'})` +
          (lastNtlm ? `, the last NTLM message being ${lastNtlm.type} (frame ${lastNtlm.frame})` : '') +
          `; the server never answered the client's last TSRequest (frame ${lastClient.frame}) and sent no errorCode.`;
      } else {
        if (client.length >= 2 && lastClient.length >= AUTH_TOKEN_SIZE) confidence = 'medium';
        how =
          `Without TLS keys: ${client.length} client record(s) after the handshake (${client.map((r) => `${r.length} B@${r.frame}`).join(', ')}) and ${after.length - client.length} server record(s); ` +
          `the client's last record (${lastClient.length} bytes, frame ${lastClient.frame}${lastClient.length >= AUTH_TOKEN_SIZE ? ', the size of an NTLM AUTHENTICATE or Kerberos AP-REQ' : ''}) was never answered.`;
      }
      out.push(
        makeFinding({
          kind: CREDSSP_INFERRED_FAILURE,
          conn: v.conn,
          confidence,
          frames: [hc.frame, lastClient.frame, closeFrame],
          at: closeAt,
          detail:
            `The server selected ${sel === 8 ? 'HYBRID_EX' : 'HYBRID'} (NLA); the TLS handshake completed (frame ${hc.frame}). ${how} ` +
            `The server then closed (frame ${closeFrame}, ${((closeAt - lastClient.ts) * 1000).toFixed(0)} ms later) before any MCS Connect: this is how a rejected NLA logon looks when the server sends no CredSSP errorCode (inferred; the reason — wrong password, unknown user, restriction — is not visible). ` +
            `Check the server's Security log for a logon failure at that time${decrypted ? '' : ', or capture with TLS keys to read the TSRequests'}.`,
          filter: { also: CLOSES, tls: true },
          evidence: [
            { frame: hc.frame, at: hc.ts, what: 'TLS handshake complete' },
            { frame: lastClient.frame, at: lastClient.ts, what: `client record ${lastClient.length} bytes${lastNtlm && decrypted ? ` (${lastNtlm.type})` : ''}, unanswered` },
            { frame: closeFrame, at: closeAt, what: 'server close' },
          ],
          data: { decrypted, clientRecords: client.map((r) => r.length), serverRecords: after.filter((r) => r.dir === 1).map((r) => r.length), lastNtlm: lastNtlm?.type ?? null, selectedProtocol: sel },
        }),
      );
    }
    return out;
  },
};

type Rec = ConnectionRecord['tls']['firstRecords'][number];

/** Keyless: the server's record answered the client's last one and the client closed right after it. */
function clientGaveUp(v: ConnView, after: Rec[], close: { frame: number; ts: number; fromClient: boolean }): Finding | null {
  const rec = v.rec!;
  if (rec.credssp.requests > 0 || !close.fromClient || v.close.closedBy !== 'client') return null;
  const sel = rec.rdp.selectedProtocol;
  const hc = rec.tls.handshakeComplete!;
  const client = after.filter((r) => r.dir === 0);
  const server = after.filter((r) => r.dir === 1);
  const lastClient = client[client.length - 1]!;
  const lastServer = server[server.length - 1];
  if (client.length < 2 || !lastServer || lastServer.frame < lastClient.frame || lastClient.length < AUTH_TOKEN_SIZE) return null;
  if (close.ts - lastServer.ts > GAVE_UP_WITHIN || close.ts < lastServer.ts) return null;
  return makeFinding({
    kind: CREDSSP_INFERRED_FAILURE,
    conn: v.conn,
    confidence: 'low',
    frames: [hc.frame, lastClient.frame, lastServer.frame, close.frame],
    at: close.ts,
    detail:
      `The server selected ${sel === 8 ? 'HYBRID_EX' : 'HYBRID'} (NLA); the TLS handshake completed (frame ${hc.frame}). Without TLS keys: ${client.length} client record(s) after the handshake (${client.map((r) => `${r.length} B@${r.frame}`).join(', ')}), ` +
      `the last of the size of an NTLM AUTHENTICATE or Kerberos AP-REQ, answered by one ${lastServer.length}-byte server record (frame ${lastServer.frame}); the client closed ${((close.ts - lastServer.ts) * 1000).toFixed(0)} ms later (frame ${close.frame}) before any MCS Connect. ` +
      `This is how a client gives up after the server's TSRequest with an errorCode (a rejected logon) looks without keys (inferred; the reason is not visible). Check the server's Security log (event 4625) at that time, or capture with TLS keys to read the TSRequests.`,
    filter: { also: CLOSES, tls: true },
    evidence: [
      { frame: hc.frame, at: hc.ts, what: 'TLS handshake complete' },
      { frame: lastClient.frame, at: lastClient.ts, what: `client record ${lastClient.length} bytes (AUTHENTICATE size)` },
      { frame: lastServer.frame, at: lastServer.ts, what: `server answer ${lastServer.length} bytes` },
      { frame: close.frame, at: close.ts, what: 'client close' },
    ],
    data: { decrypted: false, clientRecords: client.map((r) => r.length), serverRecords: server.map((r) => r.length), lastNtlm: null, selectedProtocol: sel, closedBy: 'client' },
  });
}
