/**
 * Problems visible in the server certificate (TLS ≤ 1.2 in clear, TLS 1.3 after decryption):
 * expired or not yet valid at capture time, self-signed (normal for RDP: context), weak key
 * (RSA < 2048 bits). It explains the failure (tls-handshake-failure) only when the client then
 * rejects it: a client alert 42–48 (documented meaning, RFC 5246 §7.2), or the client closing
 * right after the handshake without sending any application data (inferred: certificate
 * warning refused by the user or by policy, e.g. FreeRDP's name-mismatch/untrusted abort) when
 * the server did not begin the close. A self-signed certificate followed by a normal close is no
 * cause by itself.
 */
import type { FindingContext } from '../context.js';
import { CLOSES } from '../filters.js';
import { kind, type Rule } from '../rule.js';
import { capForNonRdp } from './tls-finding-helpers.js';
import { makeFinding, type Confidence, type Finding } from '../types.js';
import { firstCloseFrame, tsOf } from './rdp-finding-helpers.js';

export const TLS_CERTIFICATE_PROBLEM = kind({
  id: 'tls.certificate-problem',
  title: 'Server certificate problem',
  severity: 'warning',
  category: 'tls',
  documented: true,
  cause: 'tls-handshake-failure',
  rank: 32,
});

/** A client close this soon after the handshake, with no application data, counts as a rejection. */
const REJECT_SECONDS = 5;
/** Records this small after the handshake are alerts (close_notify), not application data. */
const ALERT_SIZE = 40;

export const rule: Rule = {
  kinds: [TLS_CERTIFICATE_PROBLEM],
  run(ctx: FindingContext): Finding[] {
    const out: Finding[] = [];
    for (const v of ctx.conns) {
      const t = v.rec?.tls;
      if (!t) continue;
      const c = v.conn;
      const cert = t.certificate;
      const problems: string[] = [];
      const notAfter = cert ? Date.parse(cert.notAfter) / 1000 : NaN;
      const notBefore = cert ? Date.parse(cert.notBefore) / 1000 : NaN;
      const now = c.start;
      if (cert) {
        if (Number.isFinite(notAfter) && notAfter < now) problems.push(`expired on ${cert.notAfter} (before the capture)`);
        if (Number.isFinite(notBefore) && notBefore > now) problems.push(`not valid before ${cert.notBefore} (after the capture time: wrong clock on one side?)`);
        if (cert.keyType === 'rsa' && cert.keyBits !== null && cert.keyBits < 2048) problems.push(`weak ${cert.keyBits}-bit RSA key`);
        if (cert.selfSigned) problems.push('self-signed (normal for an RDP host without a CA-issued certificate, but clients warn about it)');
      }
      // How the client reacted.
      const clientAlert = t.alerts.find((a) => a.from === 'client' && a.description >= 42 && a.description <= 48);
      const hc = t.handshakeComplete;
      let clientQuit: { frame: number; ts: number } | null = null;
      if (hc && !clientAlert) {
        const appData = t.firstRecords.some((r) => r.dir === 0 && r.frame > hc.frame && r.length > ALERT_SIZE);
        const seen = v.rec!.machine.seen('credssp') || v.rec!.machine.seen('mcs') || v.rec!.rdg.http.length > 0;
        const close = firstCloseFrame(v);
        const clientAlertClose = t.alerts.find((a) => a.from === 'client' && a.description === 0 && a.frame > hc.frame);
        const quit = clientAlertClose ? { frame: clientAlertClose.frame, ts: tsOf(v, clientAlertClose.frame) } : close && close.fromClient ? { frame: close.frame, ts: close.ts } : null;
        // A close the server began (its close_notify or FIN first) is a normal close, not the client refusing the certificate.
        const serverFirst = quit !== null && (t.alerts.some((a) => a.from === 'server' && a.frame > hc.frame && a.frame < quit.frame) ||
          t.encryptedAlerts.some((a) => a.from === 'server' && a.frame > hc.frame && a.frame < quit.frame) || (close !== null && !close.fromClient && close.frame < quit.frame));
        if (!appData && !seen && quit && !serverFirst && quit.ts - hc.ts <= REJECT_SECONDS && t.records.client <= 3) clientQuit = quit;
      }
      if (!cert && !clientQuit && !clientAlert) continue;
      if (problems.length === 0 && !clientQuit && !clientAlert) continue;
      const rejected = clientAlert !== undefined || clientQuit !== null;
      const serious = problems.some((p) => !p.startsWith('self-signed'));
      // A self-signed certificate the client accepted is the RDP default: nothing to say.
      if (!rejected && !serious) continue;
      let confidence: Confidence = 'high';
      if (!rejected) confidence = serious ? 'medium' : 'low';
      else if (!clientAlert) confidence = problems.length ? 'medium' : 'low';
      const certFrame = t.serverHelloFrame ?? t.clientHelloFrame ?? c.firstFrame;
      const evidence = [{ frame: certFrame, at: tsOf(v, certFrame), what: cert ? `server certificate: subject ${cert.subject}, issuer ${cert.issuer}, valid ${cert.notBefore} – ${cert.notAfter}, ${cert.keyType}${cert.keyBits ? ` ${cert.keyBits} bits` : ''}` : 'server certificate not readable (TLS 1.3 without keys)' }];
      if (clientAlert) evidence.push({ frame: clientAlert.frame, at: tsOf(v, clientAlert.frame), what: `client alert ${clientAlert.description}` });
      if (clientQuit) evidence.push({ frame: clientQuit.frame, at: clientQuit.ts, what: 'client closed right after the handshake, no application data' });
      out.push(
        makeFinding({
          kind: TLS_CERTIFICATE_PROBLEM,
          conn: c,
          confidence: capForNonRdp(ctx, v, confidence),
          ...(rejected ? {} : { cause: null, title: 'Server certificate remark (the client accepted it)' }),
          frames: evidence.map((e) => e.frame),
          at: evidence[evidence.length - 1]!.at,
          detail:
            (cert ? `Server certificate (frame ${certFrame}): subject ${cert.subject}, issuer ${cert.issuer}, valid ${cert.notBefore} to ${cert.notAfter}, ${cert.keyType}${cert.keyBits ? ` ${cert.keyBits}-bit` : ''} key. ` : 'The server certificate was not readable (TLS 1.3 without keys). ') +
            (problems.length ? `Problems: ${problems.join('; ')}. ` : 'No problem visible in the certificate itself (the host name it was checked against is not on the wire). ') +
            (clientAlert
              ? `The client rejected it with alert ${clientAlert.description} (frame ${clientAlert.frame}).`
              : clientQuit
                ? `The client completed the handshake and closed ${((clientQuit.ts - hc!.ts) * 1000).toFixed(0)} ms later (frame ${clientQuit.frame}) without sending any application data: most likely it (or the user, at the certificate warning) refused the certificate — inferred. Install a certificate the client trusts, issued for the name the client uses.`
                : 'The client went on with the connection, so it accepted the certificate.'),
          filter: { also: CLOSES, tls: true },
          evidence,
          data: { problems, selfSigned: cert?.selfSigned ?? null, notAfter: cert?.notAfter ?? null, notBefore: cert?.notBefore ?? null, keyBits: cert?.keyBits ?? null, clientAlert: clientAlert?.description ?? null, clientClosedAfterHandshake: clientQuit !== null },
        }),
      );
    }
    return out;
  },
};
