/**
 * The server ended the connection during (or right after) the RDP connection sequence without
 * a Set Error Info or DPU, while the PDUs were readable (Standard RDP Security in clear, or TLS
 * decrypted): Basic Settings Exchange reached, then a server FIN/RST/close_notify before the
 * session became active — or within seconds of activation with no graphics output at all (e.g.
 * a server that authenticates the user after activation and drops them). Inferred; a server
 * denial whose reason is not on the wire (server logs needed).
 */
import type { FindingContext } from '../context.js';
import { CLOSES } from '../filters.js';
import { isRdpish } from '../context.js';
import { kind, type Rule } from '../rule.js';
import { makeFinding, type Finding } from '../types.js';
import { serverDroppedAfterActivation } from './server-finding-helpers.js';
import { firstCloseFrame, lastPhase } from './rdp-finding-helpers.js';

export const SERVER_CLOSED_WITHOUT_REASON = kind({
  id: 'server.closed-without-reason',
  title: 'The server closed the connection without giving a reason',
  severity: 'error',
  category: 'server',
  documented: false,
  cause: 'server-denied',
  rank: 80,
});

export const rule: Rule = {
  kinds: [SERVER_CLOSED_WITHOUT_REASON],
  run(ctx: FindingContext): Finding[] {
    const out: Finding[] = [];
    for (const v of ctx.conns) {
      const rec = v.rec;
      if (!isRdpish(v) || v.protocol !== 'rdp' || !rec) continue;
      if (!rec.machine.seen('mcs')) continue;
      if (rec.rdp.errorInfo.some((e) => e.value !== 0) || rec.rdp.dpu || rec.rdp.licenseErrors.some((l) => l.errorCode !== 7) || rec.rdp.logonErrors.length) continue;
      const close = firstCloseFrame(v);
      if (!close || v.close.closedBy !== 'server') continue;
      const dropped = serverDroppedAfterActivation(v);
      const active = rec.machine.has('active');
      if (active && !dropped) continue;
      const lp = lastPhase(v);
      out.push(
        makeFinding({
          kind: SERVER_CLOSED_WITHOUT_REASON,
          conn: v.conn,
          confidence: 'low',
          frames: [...(lp ? [lp.frame] : []), close.frame],
          at: close.ts,
          detail:
            (active
              ? `The session reached the active phase (frame ${dropped!.activeFrame}) but the server sent no graphics and closed ${dropped!.seconds.toFixed(1)} s later (frame ${close.frame}) without Set Error Info or Disconnect Provider Ultimatum.`
              : `The connection reached phase '${lp?.name ?? '?'}' (frame ${lp?.frame ?? '?'}) and the server closed it (${close.kind.toUpperCase()} frame ${close.frame}) without Set Error Info or Disconnect Provider Ultimatum, although those PDUs would have been readable.`) +
            ` The server refused the session without stating a reason on the wire (inferred): look at the server's logs at that time (authentication/PAM for xrdp or FreeRDP servers, TerminalServices logs on Windows).`,
          filter: { also: CLOSES, tls: true },
          evidence: [...(lp ? [{ frame: lp.frame, at: v.conn.start, what: `last phase reached: ${lp.name}` }] : []), { frame: close.frame, at: close.ts, what: `${close.kind.toUpperCase()} from the server` }],
          data: { phase: lp?.name ?? null, active, secondsAfterActivation: dropped?.seconds ?? null },
        }),
      );
    }
    return out;
  },
};
