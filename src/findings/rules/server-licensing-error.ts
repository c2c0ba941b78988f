/**
 * Licensing ERROR_ALERT other than STATUS_VALID_CLIENT (MS-RDPBCGR 2.2.1.12, MS-RDPELE;
 * protocol-facts §4.9): the RD licensing exchange failed (no license server, no CALs, bad
 * client license…). STATUS_VALID_CLIENT (7) with ST_NO_TRANSITION is the normal success
 * short-cut and is not reported. Documented.
 */
import { licensingError, licensingStateTransition } from '../../codes/licensing.js';
import type { FindingContext } from '../context.js';
import { kind, type Rule } from '../rule.js';
import { makeFinding, type Finding } from '../types.js';
import { hex, tsOf } from './rdp-finding-helpers.js';

export const SERVER_LICENSING_ERROR = kind({
  id: 'server.licensing-error',
  title: 'RDP licensing failed',
  severity: 'error',
  category: 'server',
  documented: true,
  cause: 'server-denied',
  rank: 45,
});

const STATUS_VALID_CLIENT = 7;

export const rule: Rule = {
  kinds: [SERVER_LICENSING_ERROR],
  run(ctx: FindingContext): Finding[] {
    const out: Finding[] = [];
    for (const v of ctx.conns) {
      for (const rec of [v.rec, v.rec?.inner ?? null]) {
        if (!rec) continue;
        for (const l of rec.rdp.licenseErrors) {
          if (l.errorCode === STATUS_VALID_CLIENT) continue;
          const e = licensingError(l.errorCode);
          const st = licensingStateTransition(l.stateTransition);
          const at = tsOf(v, l.frame);
          const active = rec.machine.has('active');
          out.push(
            makeFinding({
              kind: SERVER_LICENSING_ERROR,
              conn: v.conn,
              confidence: active ? 'low' : 'high',
              ...(active ? { cause: null } : {}),
              frames: [l.frame],
              at,
              title: `RDP licensing error ${e.name} (${hex(l.errorCode, 2)})`,
              detail:
                `Licensing ERROR_ALERT (frame ${l.frame}): dwErrorCode ${hex(l.errorCode, 2)} ${e.name} — ${e.meaning}; state transition ${st.name}. ` +
                (active ? 'The session reached the active phase anyway.' : 'Check the RD Licensing configuration of the server (licensing mode, license server reachability, available CALs); mstsc typically reports a licensing error (0x808/0x908, mapping inferred).'),
              filter: { tls: true },
              evidence: [{ frame: l.frame, at, what: `licensing error ${e.name}` }],
              data: { errorCode: l.errorCode, name: e.name, stateTransition: l.stateTransition },
            }),
          );
        }
      }
    }
    return out;
  },
};
