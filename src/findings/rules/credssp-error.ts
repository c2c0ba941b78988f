/**
 * CredSSP TSRequest with an errorCode (MS-CSSP 2.2.1 / 3.1.5; protocol-facts §6.1, §6.2, §10 row
 * 15): the NLA authentication failed and the NTSTATUS (or SEC_E_* HRESULT) says why. Readable
 * only after TLS decryption. Documented; the mstsc SSL_ERR code it surfaces as is a name-based,
 * inferred mapping.
 */
import { ntstatus, freerdpErrconnectForNtstatus } from '../../codes/ntstatus.js';
import type { FindingContext } from '../context.js';
import { CLOSES } from '../filters.js';
import { kind, type Rule } from '../rule.js';
import { makeFinding, type Finding } from '../types.js';
import { closeText, hex, tsOf } from './rdp-finding-helpers.js';

export const CREDSSP_ERROR = kind({
  id: 'credssp.error',
  title: 'NLA (CredSSP) authentication failed with an error code',
  severity: 'error',
  category: 'authentication',
  documented: true,
  cause: 'credssp-auth-failure',
  rank: 40,
});

const ADVICE: Record<number, string> = {
  0xc000006d: 'wrong user name or password (the generic logon failure; unknown users usually show as this too)',
  0xc000006a: 'wrong password',
  0xc0000064: 'the user does not exist',
  0xc000006e: 'the credentials are valid but an account restriction applies (blank password, logon hours, "Protected Users", workstation restriction…)',
  0xc0000071: 'the password has expired',
  0xc0000072: 'the account is disabled',
  0xc0000193: 'the account has expired',
  0xc0000224: 'the password must be changed at next logon (NLA cannot change it: log on once without NLA or change it elsewhere)',
  0xc0000234: 'the account is locked out',
  0xc000015b: 'the user lacks the "Allow log on through Remote Desktop Services" right (or is not in Remote Desktop Users)',
  0xc0000133: 'the clocks of the server and its domain controller differ too much (clock skew)',
  0xc000005e: 'no domain controller was reachable from the server',
  0x8009030e: 'the client had no usable credentials for the security package (e.g. restricted admin / credential guard without cached credentials)',
  0x8009030c: 'the logon was denied',
};

export const rule: Rule = {
  kinds: [CREDSSP_ERROR],
  run(ctx: FindingContext): Finding[] {
    const out: Finding[] = [];
    for (const v of ctx.conns) {
      const recs = [v.rec, v.rec?.inner ?? null];
      for (const rec of recs) {
        const cs = rec?.credssp;
        if (!rec || !cs || cs.errorCode === null || cs.errorFrame === null) continue;
        const c = v.conn;
        const code = cs.errorCode >>> 0;
        const info = ntstatus(code);
        const frd = freerdpErrconnectForNtstatus(code);
        const at = tsOf(v, cs.errorFrame);
        const inner = rec !== v.rec;
        const lastNtlm = rec.ntlm.messages[rec.ntlm.messages.length - 1];
        out.push(
          makeFinding({
            kind: CREDSSP_ERROR,
            conn: c,
            confidence: 'high',
            frames: [...(lastNtlm ? [lastNtlm.frame] : []), cs.errorFrame],
            at,
            title: `NLA failed: ${info.name} (${hex(code)})`,
            detail:
              `${inner ? 'Inside the gateway tunnel, the' : 'The'} ${cs.errorFrom ?? 'server'} sent a CredSSP TSRequest (version ${cs.version ?? '?'}) with errorCode ${hex(code)} ${info.name} (frame ${cs.errorFrame}): ${ADVICE[code] ?? info.meaning}. ` +
              `Authentication used ${cs.tokenKinds.join('/') || 'an unknown mechanism'}${lastNtlm ? ` (last NTLM message ${lastNtlm.type} at frame ${lastNtlm.frame})` : ''}. ` +
              (inner ? '' : `Then ${closeText(v)}. `) +
              `FreeRDP reports ${frd.name}${frd.explicit ? '' : ' (generic mapping)'}; mstsc shows an authentication error of the SSL_ERR family (mapping inferred). Check the server's Security log (logon failure events) for the account.`,
            filter: { also: CLOSES, tls: true },
            evidence: [
              ...(lastNtlm ? [{ frame: lastNtlm.frame, at: tsOf(v, lastNtlm.frame), what: `NTLM ${lastNtlm.type}` }] : []),
              { frame: cs.errorFrame, at, what: `TSRequest errorCode ${hex(code)} ${info.name} from the ${cs.errorFrom ?? 'server'}` },
            ],
            data: { errorCode: code, errorName: info.name, from: cs.errorFrom, credsspVersion: cs.version, mechanisms: cs.tokenKinds, freerdp: frd.name, inner },
          }),
        );
      }
    }
    return out;
  },
};
