/**
 * TLS alerts other than protocol_version (protocol-facts §5.5, RFC 5246 §7.2, RFC 8446 §6,
 * RFC 6066 §9; §10 row 9): who sent it, and whether it came during the handshake (then it
 * explains the failure: tls-handshake-failure, documented meaning) or after it (context: the
 * session had already moved on; alerts sent after the peer had closed are cleanup).
 * close_notify and user_canceled are normal closes and are not reported.
 */
import { tlsAlert } from '../../codes/tls-alerts.js';
import { tlsCipherSuiteName } from '../../codes/tls-cipher-suites.js';
import type { FindingContext } from '../context.js';
import { kind, type Rule } from '../rule.js';
import { capForNonRdp } from './tls-finding-helpers.js';
import { makeFinding, type Confidence, type Finding } from '../types.js';
import { firstCloseFrame, reachedActive, tsOf } from './rdp-finding-helpers.js';

export const TLS_ALERT = kind({
  id: 'tls.alert',
  title: 'TLS alert',
  severity: 'error',
  category: 'tls',
  documented: true,
  cause: 'tls-handshake-failure',
  rank: 32,
});

/** What each common handshake alert usually means for RDP (inferred readings, §5.5). */
const MEANING: Record<number, string> = {
  40: 'no common cipher suite or parameters (e.g. the client offers only suites the server disabled)',
  42: 'the certificate was rejected (for a client alert: the server certificate is not acceptable to the client)',
  43: 'the certificate type is not supported',
  44: 'the certificate was revoked',
  45: 'the certificate has expired',
  46: 'the certificate could not be validated (untrusted, name mismatch or unknown issuer)',
  47: 'a handshake field had an illegal value',
  48: 'the certificate issuer is not trusted (unknown CA — e.g. a TLS-inspecting proxy\'s CA)',
  49: 'access denied by policy',
  50: 'a handshake message could not be decoded (often the peer is not speaking TLS at that moment)',
  51: 'a signature or key exchange could not be verified',
  71: 'the server requires stronger cipher suites than the client offered',
  80: 'the peer hit an internal error',
  86: 'a fallback to an older version was refused (downgrade protection)',
  109: 'a required extension is missing',
  110: 'an unsupported extension was sent',
  112: 'the server name (SNI) is not recognised',
  116: 'the server requires a client certificate',
  120: 'no common application protocol (ALPN)',
};

export const rule: Rule = {
  kinds: [TLS_ALERT],
  run(ctx: FindingContext): Finding[] {
    const out: Finding[] = [];
    for (const v of ctx.conns) {
      const t = v.rec?.tls;
      if (!t || t.alerts.length === 0) continue;
      const c = v.conn;
      const close = firstCloseFrame(v);
      for (const a of t.alerts) {
        if (a.description === 0 || a.description === 90) continue;
        // protocol_version during the handshake belongs to tls.version-mismatch.
        const duringHandshake = t.handshakeComplete === null || a.frame <= t.handshakeComplete.frame;
        if (a.description === 70 && duringHandshake) continue;
        const info = tlsAlert(a.description);
        const at = tsOf(v, a.frame);
        const afterHello = t.clientHelloFrame !== null && a.frame > t.clientHelloFrame;
        // The other side had already closed: this alert is the sender's reaction, not the cause.
        const peerClosedFirst = close !== null && close.frame < a.frame && close.fromClient === (a.from === 'server');
        const afterActive = reachedActive(v);
        let explains = duringHandshake && afterHello && !peerClosedFirst;
        let confidence: Confidence = explains ? 'high' : 'medium';
        if (peerClosedFirst || afterActive) confidence = 'low';
        if (a.level !== 2 && !duringHandshake) explains = false;
        const when = duringHandshake ? (afterHello ? 'during the handshake' : 'before any ClientHello was seen') : 'after the handshake had completed';
        const suites = a.description === 40 || a.description === 71 ? t.offeredSuites.slice(0, 8).map((s) => tlsCipherSuiteName(s)) : [];
        out.push(
          makeFinding({
            kind: TLS_ALERT,
            conn: c,
            confidence: capForNonRdp(ctx, v, confidence),
            ...(explains ? {} : { cause: null }),
            frames: [...(t.clientHelloFrame !== null && duringHandshake ? [t.clientHelloFrame] : []), a.frame],
            at,
            title: `TLS alert ${info.name} (${a.description}) from the ${a.from}`,
            detail:
              `The ${a.from} sent a ${a.level === 2 ? 'fatal' : a.level === 1 ? 'warning' : `level-${a.level}`} alert ${info.name} (${a.description}) ${when} (frame ${a.frame}${a.encrypted ? ', read after decryption' : ''}): ${MEANING[a.description] ?? info.meaning}.` +
              (suites.length ? ` The client offered ${t.offeredSuites.length} cipher suite(s): ${suites.join(', ')}${t.offeredSuites.length > suites.length ? ', …' : ''}.` : '') +
              (peerClosedFirst ? ` The ${a.from === 'server' ? 'client' : 'server'} had already closed the connection (frame ${close!.frame}), so this alert is a reaction to that close, not its cause.` : '') +
              (afterActive ? ' The session had reached the active phase before.' : '') +
              (explains ? ` FreeRDP reports ERRCONNECT_TLS_CONNECT_FAILED; the mstsc code is UNVERIFIED.` : ''),
            filter: { tls: true },
            evidence: [
              ...(t.clientHelloFrame !== null && duringHandshake ? [{ frame: t.clientHelloFrame, at: t.clientHelloTs ?? tsOf(v, t.clientHelloFrame), what: 'ClientHello' }] : []),
              { frame: a.frame, at, what: `alert ${info.name} (${a.description}) from the ${a.from}` },
            ],
            data: { alert: a.description, alertName: info.name, level: a.level, from: a.from, duringHandshake, peerClosedFirst, offeredSuites: t.offeredSuites.length },
          }),
        );
      }
    }
    return out;
  },
};
