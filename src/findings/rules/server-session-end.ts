/**
 * How a session that was up ended, when the server ended it (session/session-end.ts; inferred):
 *  - `server.session-aborted` (cause server-reset): the server's FIN/RST came with no Set Error
 *    Info, no Disconnect Provider Ultimatum and no TLS close_notify before it — a crashed or killed
 *    server process (its kernel closes the socket), a rebooted host. High with keys (those PDUs would
 *    have been readable), medium without.
 *  - `server.session-closed` (cause server-denied): the server closed deliberately — a close_notify,
 *    or without keys its last records small enough to be close_notify / Set Error Info / DPU — with
 *    no reason another rule reads (server.set-error-info and server.dpu speak when one is readable).
 *    Within seconds of activation that is the signature of a refusal inside the session (medium);
 *    later it may just as well be a logoff or an administrator's disconnect (low).
 */
import { formatDuration } from '../../core/time.js';
import type { FindingContext } from '../context.js';
import { isRdpish, streamFilter } from '../context.js';
import { kind, type Rule } from '../rule.js';
import { makeFinding, type Finding } from '../types.js';
import { DROP_AFTER_ACTIVATION_SECONDS } from './server-finding-helpers.js';

export const SERVER_SESSION_ABORTED = kind({
  id: 'server.session-aborted',
  title: 'The server side dropped the session abruptly (no reason, no TLS close)',
  severity: 'error',
  category: 'server',
  documented: false,
  cause: 'server-reset',
  rank: 50,
});

export const SERVER_SESSION_CLOSED = kind({
  id: 'server.session-closed',
  title: 'The server closed the session soon after it started, without a readable reason',
  severity: 'error',
  category: 'server',
  documented: false,
  cause: 'server-denied',
  rank: 80,
});

export const rule: Rule = {
  kinds: [SERVER_SESSION_ABORTED, SERVER_SESSION_CLOSED],
  run(ctx: FindingContext): Finding[] {
    const out: Finding[] = [];
    for (const v of ctx.conns) {
      const end = v.end;
      if (!end || !isRdpish(v) || !v.rec || end.frame === null || end.at === null) continue;
      if (end.kind !== 'server-abort' && end.kind !== 'server-close') continue;
      const c = v.conn;
      const r = v.rec.inner ?? v.rec;
      // A readable reason is another rule's to explain.
      if (r.rdp.errorInfo.some((e) => e.value !== 0 && e.frame <= end.frame!) || (r.rdp.dpu && r.rdp.dpu.frame <= end.frame)) continue;
      const active = r.machine.phases.find((p) => p.name === 'active');
      const upFor = active ? end.at - active.ts : end.at - c.start;
      const where = end.startedBeforeCapture
        ? `The capture started while the session was already under way (no TCP handshake in it); ${formatDuration(end.at - c.start)} into the capture`
        : `The session reached the active phase (frame ${active?.frame ?? '?'}${active?.inferred ? ', inferred' : ''}); ${formatDuration(upFor)} later`;
      const frames = [...(active ? [active.frame] : []), ...end.serverTail.map((s) => s.frame), end.frame];
      const evidence = [
        ...(active ? [{ frame: active.frame, at: active.ts, what: `active phase${active.inferred ? ' (inferred)' : ''}` }] : []),
        ...end.serverTail.map((s) => ({ frame: s.frame, at: s.ts, what: `server data ${s.length} bytes` })),
        { frame: end.frame, at: end.at, what: 'the server closes' },
      ];
      const filter = `${streamFilter(c)} && (tcp.flags.fin==1 || tcp.flags.reset==1 || tcp.len>0) && frame.number>=${Math.max(1, (end.serverTail[0]?.frame ?? end.frame) - 5)}`;
      if (end.kind === 'server-abort') {
        out.push(makeFinding({
          kind: SERVER_SESSION_ABORTED, conn: c, confidence: end.decrypted ? 'high' : 'medium', frames, at: end.at, filter, evidence,
          detail:
            `${where} ${end.evidence}. A server that ends a session on purpose says why (Set Error Info, Disconnect Provider Ultimatum) and closes TLS; this one did neither: the server process crashed or was killed (its kernel closed the socket), or the host went down or rebooted (inferred).` +
            (end.decrypted ? '' : ' Without TLS keys a readable reason cannot be ruled out completely; with --keylog it would be certain.'),
          data: { startedBeforeCapture: end.startedBeforeCapture, secondsUp: upFor, decrypted: end.decrypted, closeFrame: end.frame, vantage: v.vantage.point, server: c.server.ip, port: c.server.port },
        }));
      } else {
        const soon = upFor <= DROP_AFTER_ACTIVATION_SECONDS;
        out.push(makeFinding({
          kind: SERVER_SESSION_CLOSED, conn: c, confidence: soon && !end.startedBeforeCapture ? 'medium' : 'low', frames, at: end.at, filter, evidence,
          detail:
            `${where} the server closed it: ${end.evidence}.` +
            (end.decrypted ? ' No Set Error Info or Disconnect Provider Ultimatum was sent (the PDUs were readable).' : ' The reason, if the server sent one, is encrypted: give the TLS key log (--keylog) to read it.') +
            (soon
              ? ` A server that ends a session ${formatDuration(upFor)} after it became active has refused it (a logon or authorization check inside the session, a policy) rather than served it (inferred): look at the server's logs at that time.`
              : ' That late, it may as well be a logoff or an administrator\'s disconnect as a refusal (inferred).'),
          data: { startedBeforeCapture: end.startedBeforeCapture, secondsUp: upFor, decrypted: end.decrypted, closeFrame: end.frame, vantage: v.vantage.point, server: c.server.ip, port: c.server.port },
        }));
      }
    }
    return out;
  },
};
