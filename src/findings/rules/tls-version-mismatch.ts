/**
 * TLS version mismatch (protocol-facts §5.5, §5.6, §5.7, §10 row 9):
 *  - documented: the server answers the ClientHello with a fatal protocol_version alert (70);
 *  - inferred: the ClientHello offers only SSL/TLS ≤ 1.1 and the server's own stack closes
 *    (RST/FIN) with no ServerHello and no alert — the Schannel behaviour seen in public reports
 *    ([S-SCHANNEL-OBS], UNVERIFIED as documented Microsoft behaviour).
 */
import { tlsVersionName } from '../../codes/tls-versions.js';
import type { FindingContext } from '../context.js';
import { CLOSES, type FilterSpec } from '../filters.js';
import { kind, type Rule } from '../rule.js';
import { makeFinding, type Finding } from '../types.js';
import { firstCloseFrame, tsOf } from './rdp-finding-helpers.js';
import { offeredVersions, serverSpokeAfter, TLS11, versionsText, WINDOWS_TLS_NOTE, capForNonRdp } from './tls-finding-helpers.js';

export const TLS_VERSION_MISMATCH = kind({
  id: 'tls.version-mismatch',
  title: 'Client and server have no TLS version in common',
  severity: 'error',
  category: 'tls',
  documented: true,
  cause: 'tls-version-mismatch',
  rank: 30,
});

export const rule: Rule = {
  kinds: [TLS_VERSION_MISMATCH],
  run(ctx: FindingContext): Finding[] {
    const out: Finding[] = [];
    for (const v of ctx.conns) {
      const t = v.rec?.tls;
      if (!t || (t.clientHelloFrame === null && !t.sslv2)) continue;
      const c = v.conn;
      const chFrame = t.clientHelloFrame ?? c.firstFrame;
      const chAt = t.clientHelloTs ?? tsOf(v, chFrame);
      const offered = offeredVersions(v);
      const maxOffered = offered[0] ?? 0;
      const alert = t.alerts.find((a) => a.description === 70 && (t.handshakeComplete === null || a.frame <= t.handshakeComplete.frame));
      const filter: FilterSpec = { also: CLOSES, tls: true };
      if (alert) {
        const at = tsOf(v, alert.frame);
        out.push(
          makeFinding({
            kind: TLS_VERSION_MISMATCH,
            conn: c,
            confidence: capForNonRdp(ctx, v, 'high'),
            frames: [chFrame, alert.frame],
            at,
            detail:
              (alert.from === 'server'
                ? `The ClientHello (frame ${chFrame}) offered ${versionsText(offered)}; the server answered with a fatal protocol_version alert (70, frame ${alert.frame}): it accepts none of them. `
                : `The ClientHello (frame ${chFrame}) offered ${versionsText(offered)}; the server selected ${t.serverVersion === null ? 'a version' : tlsVersionName(t.serverVersion)} and the client refused it with a fatal protocol_version alert (70, frame ${alert.frame}). `) +
              `${WINDOWS_TLS_NOTE} Align the TLS versions enabled on both sides (client TLS settings / SCHANNEL\\Protocols registry keys on Windows, ssl_protocols on xrdp). FreeRDP reports ERRCONNECT_TLS_CONNECT_FAILED; the mstsc code is UNVERIFIED.`,
            filter,
            evidence: [
              { frame: chFrame, at: chAt, what: `ClientHello offering ${versionsText(offered)}` },
              { frame: alert.frame, at, what: `fatal alert protocol_version (70) from the ${alert.from}` },
            ],
            data: { offeredVersions: offered, maxOffered, alert: 70, alertFrom: alert.from, serverVersion: t.serverVersion },
          }),
        );
        continue;
      }
      // Inferred: only old versions offered, and the server closed with no answer.
      if (maxOffered === 0 || maxOffered > TLS11 || t.serverHelloFrame !== null || t.alerts.some((a) => a.from === 'server')) continue;
      const close = firstCloseFrame(v);
      if (!close || close.fromClient || close.frame < chFrame || serverSpokeAfter(v, chFrame)) continue;
      if (v.close.closedBy === 'third-party' || v.close.rst?.verdict === 'middlebox') continue;
      out.push(
        makeFinding({
          kind: TLS_VERSION_MISMATCH,
          conn: c,
          confidence: capForNonRdp(ctx, v, 'medium'),
          frames: [chFrame, close.frame],
          at: close.ts,
          detail:
            `The ClientHello (frame ${chFrame}) offered only ${versionsText(offered)} (nothing newer than ${tlsVersionName(maxOffered)}); the server sent no ServerHello and no alert and closed with ${close.kind.toUpperCase()} (frame ${close.frame}, ${((close.ts - chAt) * 1000).toFixed(0)} ms later). ` +
            `Windows Schannel is reported to refuse an unacceptable ClientHello this way, without an alert (observed in public reports, UNVERIFIED as documented behaviour): the server most likely has these old versions disabled. ${WINDOWS_TLS_NOTE} ` +
            `Enable TLS 1.2 on the client, or check the server's System log for Schannel errors (event ids commonly reported: 36871/36874/36888 — UNVERIFIED).`,
          filter,
          evidence: [
            { frame: chFrame, at: chAt, what: `ClientHello offering only ${versionsText(offered)}` },
            { frame: close.frame, at: close.ts, what: `${close.kind.toUpperCase()} from the server, no ServerHello/alert` },
          ],
          data: { offeredVersions: offered, maxOffered, alert: null, inferred: true },
        }),
      );
    }
    return out;
  },
};
