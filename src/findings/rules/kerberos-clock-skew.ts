/**
 * KRB_AP_ERR_SKEW (37): the KDC or server found the request's timestamp outside its tolerance
 * (RFC 4120; MaxClockSkew default 5 minutes, MS-GPSB 2.2.2; protocol-facts §7.5, §10 row 19).
 * The skew is measured by src/protocols/kerberos/skew.ts (inferred): with an echoed ctime it is
 * server − client; otherwise server − capture host (the client's clock when captured on the
 * client). When the server's stime agrees with the capture clock, the clock that is off is the
 * one that stamped the (encrypted) request timestamp: the client's.
 */
import { kerberosError } from '../../codes/kerberos-errors.js';
import { DEFAULT_MAX_SKEW_SECONDS, SKEW_NOISE_SECONDS } from '../../protocols/kerberos/skew.js';
import type { FindingContext } from '../context.js';
import { kind, type Rule } from '../rule.js';
import { makeFinding, type Finding } from '../types.js';
import { allKrbErrors, relatedToRdp } from './kerberos-finding-helpers.js';
import { tsOf } from './rdp-finding-helpers.js';

export const KERBEROS_CLOCK_SKEW = kind({
  id: 'kerberos.clock-skew',
  title: 'Kerberos clock skew too great (KRB_AP_ERR_SKEW)',
  severity: 'error',
  category: 'kerberos',
  documented: true,
  cause: 'kerberos-clock-skew',
  rank: 35,
});

function minutes(s: number): string {
  const m = Math.abs(s) / 60;
  return m >= 1 ? `${m.toFixed(1)} min` : `${Math.abs(s).toFixed(1)} s`;
}

export const rule: Rule = {
  kinds: [KERBEROS_CLOCK_SKEW],
  run(ctx: FindingContext): Finding[] {
    const out: Finding[] = [];
    for (const ref of allKrbErrors(ctx)) {
      const { v, err } = ref;
      if (err.code !== 37) continue;
      const c = v.conn;
      const skew = err.skewSeconds;
      const suspect = err.skewSuspect ?? 'undetermined';
      const captureDiff = err.stime - err.ts;
      let clock: string;
      if (skew === undefined || !Number.isFinite(skew)) clock = 'The skew could not be computed from the error.';
      else if (Math.abs(skew) > DEFAULT_MAX_SKEW_SECONDS)
        clock =
          `Measured skew: the server's clock is ${minutes(skew)} ${skew > 0 ? 'ahead of' : 'behind'} the reference clock (beyond the 5-minute default tolerance). ` +
          (suspect === 'server' ? 'The server clock is the one that is off.' : suspect === 'client' ? 'The client clock is the one that is off.' : suspect === 'server-or-capture-host' ? 'Either the server clock or the capture host clock is off (if the capture was taken on the client, the client is right and the server is wrong).' : 'Which clock is off cannot be told.');
      else if (Math.abs(captureDiff) <= SKEW_NOISE_SECONDS)
        clock =
          `The server's stime (${new Date(err.stime * 1000).toISOString()}) agrees with the capture clock within ${minutes(captureDiff)}, so the server clock is fine and the clock that stamped the request (its timestamp is encrypted, not readable) is off: the client's — or the capture was not taken on the requesting machine. Inferred.`;
      else clock = `The server's stime differs from the capture clock by ${minutes(captureDiff)}.`;
      const related = relatedToRdp(ctx, ref);
      const where = err.carrier === 'gss' ? 'inside CredSSP (from the RDP server)' : err.carrier === 'kkdcp' ? 'in a KDC-proxy message' : `on ${err.carrier.toUpperCase()} ${c.server.port}`;
      out.push(
        makeFinding({
          kind: KERBEROS_CLOCK_SKEW,
          conn: c,
          confidence: related ? 'high' : 'medium',
          frames: [...(ref.requestFrame !== null ? [ref.requestFrame] : []), err.frame],
          at: err.ts,
          detail:
            `KRB-ERROR ${kerberosError(37).name} (37) ${where}, frame ${err.frame}${ref.requestType ? ` (answer to the ${ref.requestType} of frame ${ref.requestFrame})` : ''}, realm ${err.realm}, service ${err.sname || '?'}. ${clock} ` +
            `Kerberos allows 5 minutes of difference by default (MaxClockSkew, MS-GPSB 2.2.2). Synchronise the clocks (w32tm /resync on Windows, NTP elsewhere); the client typically shows a time/date difference error (mstsc code UNVERIFIED; FreeRDP ERRCONNECT_AUTHENTICATION_FAILED).` +
            (related ? '' : ' No RDP connection is near this error in the capture.'),
          filter: {},
          evidence: [
            ...(ref.requestFrame !== null ? [{ frame: ref.requestFrame, at: tsOf(v, ref.requestFrame), what: ref.requestType ?? 'request' }] : []),
            { frame: err.frame, at: err.ts, what: `KRB_AP_ERR_SKEW, stime ${new Date(err.stime * 1000).toISOString()}` },
          ],
          data: { skewSeconds: skew ?? null, skewMinutes: skew === undefined ? null : skew / 60, suspect, serverVsCaptureSeconds: captureDiff, stime: err.stime, relatedToRdp: related, maxSkewSeconds: DEFAULT_MAX_SKEW_SECONDS },
        }),
      );
    }
    return out;
  },
};
