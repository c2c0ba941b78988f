/**
 * Clock skew around a KRB-ERROR (protocol-facts §7.5, RFC 4120, MS-GPSB MaxClockSkew).
 *
 * Everything in this file is INFERRED reasoning, not a documented algorithm:
 *
 * - The KDC/server stamps `stime` (+`susec`) when it builds the error; that is the only
 *   reading of the server clock on the wire.
 * - The request's `from`/`till` are requested ticket times, NOT clock readings, so they are
 *   never used. The client's clock is visible only through `ctime`/`cusec`, which a server
 *   echoes from the AP-REQ authenticator (typical for KRB_AP_ERR_SKEW in AP exchanges; AS
 *   exchanges carry the client time inside the encrypted PA-ENC-TIMESTAMP and do not echo it).
 * - With ctime: skew = server − client = (stime+susec) − (ctime+cusec). This is exactly what
 *   the server compared against its tolerance. Comparing each with the capture clock tells
 *   which one is off: the clock that disagrees with the capture host (while the other one
 *   agrees) is the suspect. If both disagree we cannot say.
 * - Without ctime: skew = server − capture host. The server stamped stime somewhere between
 *   the request's arrival and the error's departure, so the best capture-clock estimate is
 *   the midpoint of the request and error capture times (half the RTT is removed) or,
 *   without the request, the error's own capture time. When the capture was taken on the
 *   client (the usual case for an RDP client problem) the capture host clock IS the client
 *   clock; otherwise only "server or capture host" can be said.
 */

/** Default Kerberos tolerance: 5 minutes (RFC 4120 suggestion, Windows MaxClockSkew default). */
export const DEFAULT_MAX_SKEW_SECONDS = 300;
/** Below this a difference is treated as clock noise when deciding which clock is off (inferred). */
export const SKEW_NOISE_SECONDS = 60;

export interface SkewInput {
  /** KRB-ERROR stime (epoch seconds) and susec. */
  readonly stime: number;
  readonly susec?: number;
  /** KRB-ERROR ctime/cusec when echoed. */
  readonly ctime?: number;
  readonly cusec?: number;
  /** Capture time of the KRB-ERROR. */
  readonly errorTs: number;
  /** Capture time of the matching request (the previous request in the other direction). */
  readonly requestTs?: number;
}

/** The skew input for a KRB-ERROR's time fields, seen at `errorTs`, answering a request seen at `requestTs`. */
export function skewInputFor(
  m: { readonly stime: number; readonly susec?: number; readonly ctime?: number; readonly cusec?: number },
  errorTs: number,
  requestTs?: number,
): SkewInput {
  return {
    stime: m.stime,
    errorTs,
    ...(m.susec !== undefined ? { susec: m.susec } : {}),
    ...(m.ctime !== undefined ? { ctime: m.ctime } : {}),
    ...(m.cusec !== undefined ? { cusec: m.cusec } : {}),
    ...(requestTs !== undefined ? { requestTs } : {}),
  };
}

export type SkewReference = 'client-ctime' | 'request-capture-time' | 'error-capture-time';
export type SkewSuspect = 'none' | 'server' | 'client' | 'server-or-capture-host' | 'undetermined';

export interface SkewEstimate {
  /** Server clock minus the reference clock, in seconds (positive: server ahead). */
  readonly skewSeconds: number;
  readonly reference: SkewReference;
  /** Server clock minus capture host clock (always computable). */
  readonly serverVsCaptureSeconds: number;
  /** Client clock (ctime) minus capture host clock, when ctime is present. */
  readonly clientVsCaptureSeconds?: number;
  readonly suspect: SkewSuspect;
  /** |skewSeconds| above the tolerance. */
  readonly exceedsTolerance: boolean;
  readonly basis: 'inferred';
}

/** Estimates the skew for one KRB-ERROR (see the reasoning above). NaN inputs give NaN skews. */
export function estimateSkew(input: SkewInput, maxSkewSeconds = DEFAULT_MAX_SKEW_SECONDS): SkewEstimate {
  const server = input.stime + (input.susec ?? 0) / 1e6;
  const haveReq = input.requestTs !== undefined && Number.isFinite(input.requestTs) && input.requestTs <= input.errorTs;
  const captureAtStime = haveReq ? (input.requestTs! + input.errorTs) / 2 : input.errorTs;
  const serverVsCapture = server - captureAtStime;
  if (input.ctime !== undefined) {
    const client = input.ctime + (input.cusec ?? 0) / 1e6;
    const skew = server - client;
    // The client read its clock just before sending the request.
    const clientVsCapture = client - (haveReq ? input.requestTs! : input.errorTs);
    const serverOff = Math.abs(serverVsCapture) >= SKEW_NOISE_SECONDS;
    const clientOff = Math.abs(clientVsCapture) >= SKEW_NOISE_SECONDS;
    let suspect: SkewSuspect;
    if (Math.abs(skew) < SKEW_NOISE_SECONDS) suspect = 'none';
    else if (serverOff && !clientOff) suspect = 'server';
    else if (clientOff && !serverOff) suspect = 'client';
    else suspect = 'undetermined';
    return {
      skewSeconds: skew,
      reference: 'client-ctime',
      serverVsCaptureSeconds: serverVsCapture,
      clientVsCaptureSeconds: clientVsCapture,
      suspect,
      exceedsTolerance: Math.abs(skew) > maxSkewSeconds,
      basis: 'inferred',
    };
  }
  return {
    skewSeconds: serverVsCapture,
    reference: haveReq ? 'request-capture-time' : 'error-capture-time',
    serverVsCaptureSeconds: serverVsCapture,
    suspect: Math.abs(serverVsCapture) < SKEW_NOISE_SECONDS ? 'none' : 'server-or-capture-host',
    exceedsTolerance: Math.abs(serverVsCapture) > maxSkewSeconds,
    basis: 'inferred',
  };
}
