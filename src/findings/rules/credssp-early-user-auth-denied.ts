/**
 * HYBRID_EX Early User Authorization Result = AUTHZ_ACCESS_DENIED (5) (MS-RDPBCGR 2.2.10.2;
 * protocol-facts §4.5, §10 row 17): the user authenticated but may not log on through Remote
 * Desktop Services. Documented; FreeRDP maps it to ERRCONNECT_ACCESS_DENIED. Readable after
 * TLS decryption only.
 */
import type { FindingContext } from '../context.js';
import { kind, type Rule } from '../rule.js';
import { makeFinding, type Finding } from '../types.js';
import { closeText, tsOf } from './rdp-finding-helpers.js';

export const CREDSSP_EARLY_USER_AUTH_DENIED = kind({
  id: 'credssp.early-user-auth-denied',
  title: 'The user authenticated but is not allowed to log on via Remote Desktop (Early User Authorization denied)',
  severity: 'error',
  category: 'authentication',
  documented: true,
  cause: 'credssp-auth-failure',
  rank: 40,
});

export const rule: Rule = {
  kinds: [CREDSSP_EARLY_USER_AUTH_DENIED],
  run(ctx: FindingContext): Finding[] {
    const out: Finding[] = [];
    for (const v of ctx.conns) {
      for (const rec of [v.rec, v.rec?.inner ?? null]) {
        const eua = rec?.rdp.earlyUserAuth;
        if (!eua || eua.result !== 5) continue;
        const c = v.conn;
        const at = tsOf(v, eua.frame);
        out.push(
          makeFinding({
            kind: CREDSSP_EARLY_USER_AUTH_DENIED,
            conn: c,
            confidence: 'high',
            frames: [eua.frame],
            at,
            detail:
              `After a successful CredSSP exchange the server sent the HYBRID_EX Early User Authorization Result AUTHZ_ACCESS_DENIED (0x00000005, frame ${eua.frame}): the credentials are valid but the account may not log on through Remote Desktop Services. ` +
              `Add the user to "Remote Desktop Users" or grant "Allow log on through Remote Desktop Services" (and check "Deny log on through Remote Desktop Services"). FreeRDP reports ERRCONNECT_ACCESS_DENIED; the mstsc code is UNVERIFIED. ` +
              (rec === v.rec ? `Then ${closeText(v)}.` : '(inside the gateway tunnel)'),
            filter: { tls: true },
            evidence: [{ frame: eua.frame, at, what: 'Early User Authorization Result AUTHZ_ACCESS_DENIED (5)' }],
            data: { result: 5, inner: rec !== v.rec },
          }),
        );
      }
    }
    return out;
  },
};
