/**
 * The server's own stack closes right after the ClientHello: no ServerHello, no alert, then RST
 * or FIN from a packet whose TTL matches the server's SYN-ACK (protocol-facts §5.6, §10 row 10).
 * Windows Schannel refuses an unacceptable handshake this way (version/cipher policy, missing or
 * unusable RDP certificate private key) — observed in public reports [S-SCHANNEL-OBS], not
 * documented by Microsoft: inferred. A FIN is an application close (the TLS server refused); an
 * RST could also be a host firewall rejecting the segment (then it is a server reset): low.
 * Resets whose TTL differs from the SYN-ACK are left to the middlebox rules.
 */
import type { FindingContext } from '../context.js';
import { CLOSES } from '../filters.js';
import { kind, type Rule } from '../rule.js';
import { makeFinding, type Finding } from '../types.js';
import { firstCloseFrame } from './rdp-finding-helpers.js';
import { offeredVersions, serverSpokeAfter, TLS11, versionsText, capForNonRdp } from './tls-finding-helpers.js';

export const TLS_SERVER_CLOSED_AFTER_CLIENTHELLO = kind({
  id: 'tls.server-closed-after-clienthello',
  title: 'The server closed the connection right after the TLS ClientHello',
  severity: 'error',
  category: 'tls',
  documented: false,
  cause: 'tls-handshake-failure',
  rank: 32,
});

export const rule: Rule = {
  kinds: [TLS_SERVER_CLOSED_AFTER_CLIENTHELLO],
  run(ctx: FindingContext): Finding[] {
    const out: Finding[] = [];
    for (const v of ctx.conns) {
      const t = v.rec?.tls;
      const c = v.conn;
      if (!t || t.clientHelloFrame === null || t.serverHelloFrame !== null) continue;
      if (t.alerts.some((a) => a.from === 'server') || c.transport !== 'tcp') continue;
      const offered = offeredVersions(v);
      // Only-old-versions ClientHellos are explained by tls.version-mismatch.
      if ((offered[0] ?? 0) !== 0 && offered[0]! <= TLS11) continue;
      const close = firstCloseFrame(v);
      if (!close || close.fromClient || close.frame < t.clientHelloFrame || serverSpokeAfter(v, t.clientHelloFrame)) continue;
      const chAt = t.clientHelloTs ?? c.start;
      let ttl: number | null = null;
      if (close.kind === 'rst') {
        const r = c.rsts.find((x) => x.frame === close.frame)!;
        ttl = r.ttl;
        // The server's own stack: same TTL as its SYN-ACK / earlier packets.
        if (c.server.firstTtl < 0 || r.ttl !== c.server.firstTtl) continue;
        if (v.close.rst?.verdict === 'middlebox') continue;
      }
      const rst = close.kind === 'rst';
      out.push(
        makeFinding({
          kind: TLS_SERVER_CLOSED_AFTER_CLIENTHELLO,
          conn: c,
          confidence: capForNonRdp(ctx, v, rst ? 'low' : 'medium'),
          frames: [t.clientHelloFrame, close.frame],
          at: close.ts,
          detail:
            `After the ClientHello (frame ${t.clientHelloFrame}, offering ${versionsText(offered)}, ${t.offeredSuites.length} cipher suites${t.sni ? `, SNI present` : ''}) the server sent no ServerHello and no alert and closed with ${close.kind.toUpperCase()} (frame ${close.frame}, ${((close.ts - chAt) * 1000).toFixed(0)} ms later` +
            (ttl !== null ? `, TTL ${ttl} like the server's SYN-ACK` : '') +
            `). This is how Windows Schannel is reported to refuse a handshake it cannot accept (inferred, not documented): TLS version or cipher-suite policy, or an RDP certificate whose private key is missing or unusable. ` +
            `Look at the server's System log for Schannel errors (event ids commonly reported: 36870/36874/36888 — UNVERIFIED) and at the RDP listener certificate.` +
            (rst ? ' A host firewall rejecting the ClientHello segment with a reset would look the same (then it is a plain server reset).' : ''),
          filter: { also: CLOSES, tls: true },
          evidence: [
            { frame: t.clientHelloFrame, at: chAt, what: `ClientHello (${versionsText(offered)})` },
            { frame: close.frame, at: close.ts, what: `${close.kind.toUpperCase()} from the server${ttl !== null ? ` TTL ${ttl}` : ''}, no ServerHello` },
          ],
          data: { closeKind: close.kind, ttl, serverTtl: c.server.firstTtl, offeredVersions: offered, delayMs: (close.ts - chAt) * 1000 },
        }),
      );
    }
    return out;
  },
};
