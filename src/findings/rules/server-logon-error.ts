/**
 * Save Session Info logon errors (MS-RDPBCGR 2.2.10.1.1.4 TS_LOGON_ERRORS_INFO; protocol-facts
 * §4.14 OnLogonError codes): the server reports the outcome of the logon on its own logon screen
 * (not NLA). Failures (LOGON_FAILED_BAD_PASSWORD 0, _UPDATE_PASSWORD 1, _OTHER 2) support an
 * authentication failure; ERROR_CODE_ACCESS_DENIED (−1), NOPERM_DIALOG (−6) and REFUSED_DIALOG
 * (−7) a server denial. The other LOGON_MSG_* values are notifications (session continues,
 * reconnect options) and are not reported.
 */
import { logonError } from '../../codes/logon-error.js';
import type { RootCause } from '../types.js';
import type { FindingContext } from '../context.js';
import { kind, type Rule } from '../rule.js';
import { makeFinding, type Finding } from '../types.js';
import { hex, tsOf } from './rdp-finding-helpers.js';

export const SERVER_LOGON_ERROR = kind({
  id: 'server.logon-error',
  title: 'The server reported a logon error',
  severity: 'error',
  category: 'server',
  documented: true,
  cause: 'server-denied',
  rank: 45,
});

function causeFor(type: number): RootCause | null | undefined {
  const t = type | 0;
  if (t === 0 || t === 1 || t === 2) return 'credssp-auth-failure';
  if (t === -1 || t === -6 || t === -7) return 'server-denied';
  return undefined;
}

export const rule: Rule = {
  kinds: [SERVER_LOGON_ERROR],
  run(ctx: FindingContext): Finding[] {
    const out: Finding[] = [];
    for (const v of ctx.conns) {
      for (const rec of [v.rec, v.rec?.inner ?? null]) {
        if (!rec) continue;
        for (const l of rec.rdp.logonErrors) {
          const cause = causeFor(l.type);
          if (cause === undefined) continue;
          const info = logonError(l.type >>> 0);
          const at = tsOf(v, l.frame);
          out.push(
            makeFinding({
              kind: SERVER_LOGON_ERROR,
              conn: v.conn,
              confidence: 'high',
              cause,
              frames: [l.frame],
              at,
              title: `Logon error ${info.name}`,
              detail:
                `Save Session Info (frame ${l.frame}) reports logon error ${info.name} (${hex(l.type)}), data ${hex(l.data)}: ${info.meaning}. ` +
                (cause === 'credssp-auth-failure' ? 'The logon failed at the Windows logon screen inside the session (not at NLA).' : 'The server refused the logon.'),
              filter: { tls: true },
              evidence: [{ frame: l.frame, at, what: `logon error ${info.name}` }],
              data: { errorNotificationType: l.type >>> 0, errorNotificationData: l.data >>> 0, name: info.name },
            }),
          );
        }
      }
    }
    return out;
  },
};
