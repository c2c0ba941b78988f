/**
 * CVE-2018-0886 "Encryption Oracle Remediation" version block (KB4093492; protocol-facts §6.5,
 * §10 row 18): peers exchange a few TSRequests, one side advertises CredSSP version < 5 (no
 * clientNonce binding) while the other is ≥ 5, and a side aborts without any errorCode before
 * the exchange completes. Needs TLS keys (versions are inside TLS). Documented background,
 * inferred wire pattern.
 */
import type { CredSspTsRequestEvent } from '../../protocols/credssp/events.js';
import type { FindingContext } from '../context.js';
import { CLOSES } from '../filters.js';
import { isRdpish } from '../context.js';
import { kind, type Rule } from '../rule.js';
import { makeFinding, type Finding } from '../types.js';
import { closeText, firstCloseFrame } from './rdp-finding-helpers.js';

export const CREDSSP_VERSION_BLOCK = kind({
  id: 'credssp.version-block',
  title: 'CredSSP version refused (CVE-2018-0886 Encryption Oracle Remediation)',
  severity: 'error',
  category: 'authentication',
  documented: false,
  cause: 'credssp-auth-failure',
  rank: 40,
});

export const rule: Rule = {
  kinds: [CREDSSP_VERSION_BLOCK],
  run(ctx: FindingContext): Finding[] {
    const out: Finding[] = [];
    for (const v of ctx.conns) {
      const rec = v.rec;
      if (!isRdpish(v) || !rec || rec.credssp.requests === 0 || rec.credssp.errorCode !== null) continue;
      const reqs = rec.timeline.events.filter((e): e is CredSspTsRequestEvent => e.type === 'credssp.ts_request');
      const cv = reqs.filter((e) => e.dir === 0).map((e) => e.version);
      const sv = reqs.filter((e) => e.dir === 1).map((e) => e.version);
      if (cv.length === 0 || sv.length === 0) continue;
      const clientV = Math.max(...cv);
      const serverV = Math.max(...sv);
      const oldSide = clientV < 5 && serverV >= 5 ? 'client' : serverV < 5 && clientV >= 5 ? 'server' : null;
      if (!oldSide) continue;
      // The exchange must have been aborted: no authInfo delegated, nothing after CredSSP.
      const delegated = reqs.some((e) => e.dir === 0 && e.fields.includes('authInfo'));
      if (delegated || rec.machine.seen('mcs') || rec.machine.has('active')) continue;
      const close = firstCloseFrame(v);
      if (!close) continue;
      const last = reqs[reqs.length - 1]!;
      out.push(
        makeFinding({
          kind: CREDSSP_VERSION_BLOCK,
          conn: v.conn,
          confidence: 'medium',
          frames: [reqs[0]!.frame, last.frame, close.frame],
          at: close.ts,
          detail:
            `CredSSP versions: client ${clientV}, server ${serverV}; the ${oldSide} runs a pre-March-2018 CredSSP (version < 5, no clientNonce binding). The exchange stopped after ${reqs.length} TSRequest(s) without an errorCode and ${closeText(v)}. ` +
            `This is the CVE-2018-0886 "Encryption Oracle Remediation" block (KB4093492): a patched side set to "Force Updated Clients"/"Mitigated" refuses an unpatched peer. mstsc says "An authentication error has occurred… This could be due to CredSSP encryption oracle remediation" and logs event 6041 on the client. Update the unpatched ${oldSide}; relaxing the policy to "Vulnerable" is only a stopgap. (Wire pattern inferred.)`,
          filter: { also: CLOSES, tls: true },
          evidence: [
            { frame: reqs[0]!.frame, at: reqs[0]!.ts, what: `first TSRequest (version ${reqs[0]!.version})` },
            { frame: last.frame, at: last.ts, what: `last TSRequest (version ${last.version}) from the ${last.dir === 1 ? 'server' : 'client'}` },
            { frame: close.frame, at: close.ts, what: `${close.kind.toUpperCase()} from the ${close.fromClient ? 'client' : 'server'}` },
          ],
          data: { clientVersion: clientV, serverVersion: serverV, oldSide },
        }),
      );
    }
    return out;
  },
};
