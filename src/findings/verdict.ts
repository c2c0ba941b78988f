/**
 * One evidence-backed verdict per capture: group connections into attempts, fix the failure
 * moment (--failed-at, else the end of the last failed attempt), rank the findings of that
 * attempt by causal rank, confidence and proximity, and pick one root cause — or `unknown`
 * with the reason when the evidence does not decide. Never more confident than the evidence.
 */
import { clientErrorsFor, type ClientErrorHint } from '../codes/client-errors.js';
import { isoTime } from '../core/time.js';
import { attemptUpTo, groupAttempts, quickServerDisconnect, type Attempt } from './attempts.js';
import { hintAddress, type ConnView, type FindingContext } from './context.js';
import { nextSteps } from './next-steps.js';
import { scanSources } from './rules/scan-activity.js';
import type { Confidence, Finding, RootCause } from './types.js';

export interface Verdict {
  cause: RootCause;
  confidence: Confidence;
  attempt: number | null;
  connection: number | null;
  at: string | null;
  summary: string;
  /** Why the verdict is unknown, or what limits it. */
  reason: string | null;
  evidence: { frame: number; at: string; what: string; documented: boolean; finding: string }[];
  clientErrors: ClientErrorHint[];
  /** What this capture says about the classic 0x904 / extended 0x7 report. */
  about0x904: string;
  nextSteps: string[];
  failureMoment: { at: string | null; source: 'failed-at' | 'last-failed-attempt' | 'none' };
  attempts: { id: number; client: string; server: string; start: string; end: string; connections: number[]; succeeded: boolean; endedIn: string | null }[];
  /** Other causes that were considered, best first. */
  alternatives: { cause: RootCause; finding: string; confidence: Confidence; connection: number | null }[];
}

const LOSS_BASED = new Set<RootCause>(['tcp-connect-timeout', 'mtu-blackhole', 'ip-fragment-loss', 'packet-loss', 'path-lost']);
const CONF_ORDER: Record<Confidence, number> = { high: 0, medium: 1, low: 2 };
/** Causal rank plus a penalty for uncertainty (see the sort in decideVerdict). */
const CONF_PENALTY: Record<Confidence, number> = { high: 0, medium: 10, low: 30 };
const weight = (f: Finding): number => f.rank + CONF_PENALTY[f.confidence];
const lower = (c: Confidence): Confidence => (c === 'high' ? 'medium' : 'low');
const cap = (c: Confidence, max: Confidence): Confidence => (CONF_ORDER[c] < CONF_ORDER[max] ? max : c);

/** Causes that live on related flows; admitted only when the failure is in a phase they explain. */
const AUTH_CAUSES = new Set<RootCause>(['kerberos-clock-skew', 'kerberos-error']);

/** Distinct clients above which a capture is called busy (a server-side capture, or scanning). */
export const MANY_CLIENTS = 10;

export function decideVerdict(ctx: FindingContext, findings: Finding[]): Verdict {
  const all = groupAttempts(ctx);
  const { pool, note } = focus(ctx, all, scanSources(findings));
  const v = decideAmong(ctx, findings, all, pool);
  const notes = [note];
  if (ctx.notDiagnosed > 0 || ctx.closedEarly > 0) {
    // What was let go could have held the failure (or the success): a "nothing wrong" answer is
    // not confident then.
    notes.push(
      `${ctx.notDiagnosed} finished connection(s) were summarised without being diagnosed and ${ctx.closedEarly} were finished early because too many were open at once (memory limits): narrow the capture (time, --failed-at, --client) for a complete diagnosis.`,
    );
    if ((v.cause === 'healthy' || v.cause === 'no-rdp-traffic') && v.confidence === 'high') v.confidence = 'medium';
  }
  // Where the capture was taken, for the connection the verdict is about.
  const at = v.connection !== null ? ctx.conns.find((x) => x.conn.id === v.connection) : undefined;
  if (at && at.vantage.point !== 'unknown') v.summary += ` (Connection ${at.conn.id} was ${at.vantage.text}: ${at.vantage.basis.join('; ')}.)`;
  const extra = notes.filter((n): n is string => n !== null).join(' ');
  if (extra) v.reason = v.reason ? `${v.reason} ${extra}` : extra;
  return v;
}

/**
 * Which attempts the verdict chooses from: those of the client (--client) and to the server
 * (--server, when given as an address) when any match; all of them otherwise, with a note when
 * the capture holds many clients' attempts and none was named.
 */
function focus(ctx: FindingContext, attempts: Attempt[], scanners: Set<string>): { pool: Attempt[]; note: string | null } {
  const client = hintAddress(ctx.clientHint);
  const server = hintAddress(ctx.serverHint);
  if (attempts.length === 0) return { pool: attempts, note: null };
  if (client || server) {
    const pool = attempts.filter((a) => (!client || a.client.toLowerCase() === client) && (!server || a.server.toLowerCase() === server));
    if (pool.length > 0) return { pool, note: null };
    const named = [client ? `from ${client}` : '', server ? `to ${server}` : ''].filter(Boolean).join(' ');
    return { pool: attempts, note: `No RDP attempt ${named} is in this capture: the verdict is about the attempts that are.` };
  }
  // A source that scans or guesses passwords is not the user: judge the other sources' attempts.
  const others = scanners.size > 0 ? attempts.filter((a) => !scanners.has(a.client)) : attempts;
  if (others.length > 0 && others.length < attempts.length) {
    return { pool: others, note: `Attempts from ${[...scanners].join(', ')} (scanning or password guessing, see scan.activity) are set aside: the verdict is about the other sources' attempts; give --client to choose.` };
  }
  const clients = new Set(attempts.map((a) => a.client)).size;
  if (clients < MANY_CLIENTS) {
    // A few clients with different outcomes: the verdict cannot know which one is the user's.
    const failing = new Set(attempts.filter((a) => !a.succeeded).map((a) => a.client));
    const working = new Set(attempts.filter((a) => a.succeeded).map((a) => a.client));
    if (clients < 2 || failing.size === 0 || working.size === 0) return { pool: attempts, note: null };
    return {
      pool: attempts,
      note: `${clients} clients connected in this capture with different outcomes (working: ${[...working].join(', ')}; failing: ${[...failing].join(', ')}): this verdict is about the last failing attempt; give --client with the user's address to judge theirs.`,
    };
  }
  return {
    pool: attempts,
    note: `${clients} different clients attempted RDP in this capture (a busy server, or scanning): this verdict is about the last failing attempt of any of them; give --client with the user's address (and --failed-at) to judge theirs.`,
  };
}

function decideAmong(ctx: FindingContext, findings: Finding[], allAttempts: Attempt[], attempts: Attempt[]): Verdict {
  const attemptInfo = allAttempts.map((a) => ({
    id: a.id, client: a.client, server: a.server, start: isoTime(a.start), end: isoTime(a.end),
    connections: a.connections.map((v) => v.conn.id), succeeded: a.succeeded, endedIn: a.final.rec?.machine.current ?? null,
  }));
  const base = { attempts: attemptInfo, alternatives: [] as Verdict['alternatives'] };
  const causal = findings.filter((f) => f.cause !== null && f.cause !== 'healthy');

  if (attempts.length === 0) return noRdpVerdict(ctx, causal, base);

  const failedAttempt = (a: Attempt) => !a.succeeded || causal.some((f) => f.connection === a.final.conn.id && f.confidence !== 'low');
  const failed = attempts.filter(failedAttempt);
  let chosen: Attempt;
  let momentSource: Verdict['failureMoment']['source'];
  let moment: number;
  if (ctx.failedAt !== null) {
    momentSource = 'failed-at';
    moment = ctx.failedAt;
    chosen = attemptUpTo(pickAround(attempts, moment), moment);
  } else if (failed.length > 0) {
    chosen = failed[failed.length - 1]!;
    momentSource = 'last-failed-attempt';
    moment = chosen.end;
  } else {
    chosen = attempts[attempts.length - 1]!;
    momentSource = 'none';
    moment = chosen.end;
  }
  const failureMoment = { at: momentSource === 'none' ? null : isoTime(moment), source: momentSource };

  // A session that became active can still have failed afterwards (path lost, server refusal
  // inside the session): a failure finding on its connection overrides "succeeded".
  // Low-confidence ones only make the "healthy" answer unconfident.
  const laterFailure = causal.some((f) => f.connection === chosen.final.conn.id && f.confidence !== 'low');
  const doubts = causal.filter((f) => f.connection === chosen.final.conn.id && f.confidence === 'low');
  if (chosen.succeeded && !laterFailure) {
    const final = chosen.final;
    const inferred = final.rec?.machine.phases.find((p) => p.name === 'active')?.inferred ?? true;
    const quick = quickServerDisconnect(final);
    // Still open when the capture ended, with the capture ending with it: how it ended is not in the capture.
    const stillOpen = final.close.closeKind === 'open' && ctx.captureEnd - final.conn.end < 2;
    return {
      cause: 'healthy',
      confidence: quick || doubts.length > 0 ? 'low' : inferred || stillOpen ? 'medium' : 'high',
      attempt: chosen.id,
      connection: final.conn.id,
      at: isoTime(final.conn.end),
      summary:
        `Attempt ${chosen.id} (${chosen.client} → ${chosen.server}) reached the active session on connection ${final.conn.id}` +
        (inferred ? ' (inferred from the volume of encrypted server data; no keys to confirm)' : '') +
        (ctx.failedAt !== null ? ' around the time given with --failed-at' : '') + '.' +
        (quick ? ` But the server ended it ${quick.seconds.toFixed(1)} s later with Set Error Info 0x${quick.value.toString(16)} (frame ${quick.frame}): an administrative disconnect and a logon refused inside the session look the same on the wire.` : ''),
      reason: quick
        ? 'A server-initiated disconnect seconds after activation keeps this from being a confident "healthy".'
        : doubts.length > 0
          ? `Weak signs of trouble on this connection: ${doubts.map((d) => `${d.id} (${d.title})`).join('; ')}.`
          : stillOpen
            ? 'The session was still open where the capture stops: how it ended (if it did) is not in this capture.'
            : null,
      evidence: activeEvidence(final),
      clientErrors: [],
      about0x904: 'This attempt succeeded, so it does not explain a 0x904 / extended 0x7 report; capture the failing attempt.',
      nextSteps: nextSteps('healthy', null, ctx),
      failureMoment,
      ...base,
    };
  }

  // The decisive connection is the one that got furthest (a client retry with weaker settings,
  // e.g. after an NLA failure, usually fails earlier than the attempt that showed the real problem).
  const final = decisiveConnection(chosen);
  const endedIn = final.rec?.machine.current ?? 'tcp-connect';
  const attemptConns = new Set(chosen.connections.map((v) => v.conn.id));
  const relatedConns = new Set(chosen.related.map((v) => v.conn.id));
  const windowStart = chosen.start - 120;
  const windowEnd = chosen.end + 60;
  const authPhase = endedIn === 'credssp' || endedIn === 'tls' || endedIn === 'http-auth' || endedIn === 'tunnel';

  const onFinal = causal.filter((f) => f.connection === final.conn.id);
  const onRelated = causal.filter((f) => {
    if (f.connection !== null && relatedConns.has(f.connection)) return f.cause && (!AUTH_CAUSES.has(f.cause) || authPhase) && f.cause !== 'tls-handshake-failure' && f.cause !== 'tls-version-mismatch';
    if (f.connection === null) return f.at >= windowStart && f.at <= windowEnd;
    return false;
  });
  let candidates = [...onFinal, ...onRelated];
  if (candidates.length === 0) candidates = causal.filter((f) => f.connection !== null && attemptConns.has(f.connection));
  // An uncertain explanation must be causally much earlier to beat a certain one.
  candidates.sort((a, b) => weight(a) - weight(b) || CONF_ORDER[a.confidence] - CONF_ORDER[b.confidence] || Math.abs(a.at - moment) - Math.abs(b.at - moment));

  if (candidates.length === 0) {
    const close = final.close;
    return {
      cause: 'unknown',
      confidence: 'low',
      attempt: chosen.id,
      connection: final.conn.id,
      at: isoTime(final.conn.end),
      summary: `Attempt ${chosen.id} (${chosen.client} → ${chosen.server}) failed: connection ${final.conn.id} ended in the ${endedIn} phase (${close.closeKind}${close.closedBy ? ` by ${close.closedBy}` : ''}${close.frame ? `, frame ${close.frame}` : ''}), but no known failure signature matches.`,
      reason: `No rule explains how connection ${final.conn.id} ended; the evidence does not decide between a server-side refusal, a client decision and a path problem.`,
      evidence: close.frame ? [{ frame: close.frame, at: isoTime(close.at ?? final.conn.end), what: `connection ended: ${close.closeKind}`, documented: true, finding: 'close' }] : [],
      clientErrors: [],
      about0x904: 'If the client reported 0x904 (socket closed) with extended 0x7, this capture does not show the server sending ERRINFO_SERVER_DENIED_CONNECTION (it may be encrypted: provide the TLS key log with --keylog).',
      nextSteps: nextSteps('unknown', null, ctx),
      failureMoment,
      ...base,
    };
  }

  const top = candidates[0]!;
  const cause = top.cause!;
  let confidence = top.confidence;
  const limits: string[] = [];
  const lossy = (ctx.captureDrops ?? 0) > 0 || final.conn.client.ackedUnseen + final.conn.server.ackedUnseen > 0 || findings.some((f) => f.id === 'capture.loss' && (f.connection === null || f.connection === final.conn.id));
  if (LOSS_BASED.has(cause) && lossy) {
    confidence = lower(confidence);
    limits.push('the capture itself lost packets (drop counters or ACKed-unseen segments), so loss-based conclusions are weaker');
  }
  if (final.close.closeKind === 'open' && ctx.captureEnd - final.conn.end < 2) {
    // The connection did not end inside the capture: the capture, not the network, may have
    // stopped it, and loss-based causes in particular cannot be told from a cut-off capture.
    confidence = LOSS_BASED.has(cause) ? 'low' : lower(confidence);
    limits.push('the capture stops while the connection is still open');
  }
  if (top.connection !== null && !attemptConns.has(top.connection) && !relatedConns.has(top.connection)) confidence = cap(confidence, 'medium');

  const supporting = candidates.filter((f) => f.cause === cause);
  const evidence = supporting.flatMap((f) => f.evidence.map((e) => ({ frame: e.frame, at: isoTime(e.at), what: e.what, documented: f.documented, finding: f.id }))).slice(0, 20);
  const detail = {
    ...(typeof top.data['ntstatus'] === 'number' ? { ntstatus: top.data['ntstatus'] as number } : typeof top.data['errorCode'] === 'number' ? { ntstatus: top.data['errorCode'] as number } : {}),
    ...(typeof top.data['failureCode'] === 'number' ? { failureCode: top.data['failureCode'] as number } : {}),
    ...(typeof top.data['hresult'] === 'number' ? { hresult: top.data['hresult'] as number } : {}),
    ...(typeof top.data['krbErrorCode'] === 'number' ? { krbErrorCode: top.data['krbErrorCode'] as number } : {}),
    ...(typeof top.data['errorInfo'] === 'number' ? { errorInfo: top.data['errorInfo'] as number } : {}),
  };
  return {
    cause,
    confidence,
    attempt: chosen.id,
    connection: top.connection,
    at: isoTime(top.at),
    summary: `${top.title}: ${top.detail}`,
    reason: limits.length ? `Confidence lowered: ${limits.join('; ')}.` : null,
    evidence,
    clientErrors: clientErrorsFor(cause, detail),
    about0x904: about0x904(cause, top),
    nextSteps: nextSteps(cause, top, ctx),
    failureMoment,
    attempts: attemptInfo,
    alternatives: candidates
      .filter((f) => f.cause !== cause)
      .slice(0, 5)
      .map((f) => ({ cause: f.cause!, finding: f.id, confidence: f.confidence, connection: f.connection })),
  };
}

function phaseIndex(v: ConnView): number {
  const m = v.rec?.machine;
  if (!m || !m.current) return -1;
  return m.order.indexOf(m.current) + (v.rec?.inner?.machine.current ? 1 + v.rec.inner.machine.order.indexOf(v.rec.inner.machine.current) : 0);
}

export function decisiveConnection(a: Attempt): ConnView {
  let best = a.connections[0]!;
  for (const v of a.connections) if (phaseIndex(v) >= phaseIndex(best)) best = v;
  return best;
}

function pickAround(attempts: Attempt[], t: number): Attempt {
  const containing = attempts.find((a) => t >= a.start - 5 && t <= a.end + 60);
  if (containing) return containing;
  let best = attempts[0]!;
  let bestD = Infinity;
  for (const a of attempts) {
    const d = t >= a.end ? t - a.end : (a.start - t) * 4; // prefer attempts that ended before the dialog
    if (d < bestD) {
      bestD = d;
      best = a;
    }
  }
  return best;
}

function activeEvidence(v: ConnView): Verdict['evidence'] {
  const p = v.rec?.machine.phases.find((x) => x.name === 'active') ?? v.rec?.inner?.machine.phases.find((x) => x.name === 'active');
  return p ? [{ frame: p.frame, at: isoTime(p.ts), what: `session active${p.inferred ? ' (inferred)' : ''}`, documented: !p.inferred, finding: 'healthy.session-active' }] : [];
}

function noRdpVerdict(ctx: FindingContext, causal: Finding[], base: Pick<Verdict, 'attempts' | 'alternatives'>): Verdict {
  // No RDP or gateway connection: a Kerberos, TLS or path failure may still be what broke RDP,
  // but without the RDP connection we never claim it confidently.
  // Without an RDP connection, a failure on 443 matters as a gateway failure, and fragment loss
  // (which makes Kerberos fall back and fail) explains the failures that follow it.
  const noRdpWeight = (f: Finding) => weight(f) - (f.cause?.startsWith('gateway-') ? 20 : 0) - (f.cause === 'ip-fragment-loss' ? 15 : 0);
  const sorted = [...causal].sort((a, b) => noRdpWeight(a) - noRdpWeight(b) || CONF_ORDER[a.confidence] - CONF_ORDER[b.confidence]);
  const top = sorted[0];
  // Only RDP-UDP captured (the TCP connection that carries RDP is not in the capture).
  const udp = ctx.conns.filter((v) => v.protocol === 'rdp-udp');
  if (!top && udp.length > 0) {
    const ok = udp.some((v) => v.rec?.machine.has('syn-ack'));
    return {
      cause: ok ? 'healthy' : 'unknown', confidence: ok ? 'medium' : 'low', attempt: null, connection: udp[0]!.conn.id, at: null,
      summary: ok
        ? 'Only RDP-UDP (MS-RDPEUDP) is in this capture, and its handshake completed; the TCP connection that carries RDP was not captured.'
        : 'Only RDP-UDP (MS-RDPEUDP) is in this capture, and its SYN got no SYN+ACK. That alone is harmless when the TCP connection carries the session, but the TCP connection was not captured.',
      reason: 'The RDP TCP connection is not in this capture.', evidence: [], clientErrors: [],
      about0x904: 'RDP-UDP failures do not produce 0x904 by themselves (the session stays on TCP).',
      nextSteps: ['Capture TCP 3389 together with UDP 3389 to judge the whole connection.'], failureMoment: { at: null, source: 'none' }, ...base,
    };
  }
  const kerberosOk = ctx.conns.some((v) => v.protocol === 'kerberos' && v.rec && v.rec.kerberos.messages.some((m) => m.type === 'AS-REP' || m.type === 'TGS-REP'));
  if (!top && kerberosOk) {
    return {
      cause: 'healthy', confidence: 'medium', attempt: null, connection: null, at: null,
      summary: 'No RDP connection in this capture; the Kerberos exchanges in it succeeded (tickets were issued).',
      reason: 'Only Kerberos traffic was captured, so this says nothing about an RDP connection itself.', evidence: [], clientErrors: [],
      about0x904: 'No RDP connection was captured; this capture cannot confirm a 0x904 / extended 0x7 report.',
      nextSteps: nextSteps('healthy', null, ctx), failureMoment: { at: null, source: 'none' }, ...base,
    };
  }
  if (!top) {
    // TLS on 443 without keys could be an RD Gateway whose answer we cannot read.
    const opaque443 = ctx.conns.filter((v) => v.protocol === 'tls' && v.conn.server.port === 443 && v.rec && v.rec.tls.decryption?.ok !== true);
    return {
      cause: 'no-rdp-traffic', confidence: opaque443.length > 0 ? 'medium' : 'high', attempt: null, connection: null, at: null,
      summary: 'No RDP, RD Gateway or RDP-related Kerberos traffic in this capture.' +
        (opaque443.length > 0 ? ` ${opaque443.length} TLS connection(s) to port 443 could not be read; if one of them is an RD Gateway, give its TLS key log (--keylog) or its address (--server) to judge it.` : ''),
      reason: opaque443.length > 0 ? 'Encrypted TLS on 443 is not evidence of an RD Gateway, but does not rule one out.' : null, evidence: [], clientErrors: [],
      about0x904: 'Nothing in this capture relates to an RDP connection, so it cannot explain a 0x904 / extended 0x7 report.',
      nextSteps: nextSteps('no-rdp-traffic', null, ctx), failureMoment: { at: null, source: 'none' }, ...base,
    };
  }
  const maxConf: Confidence = top.cause === 'kerberos-clock-skew' || top.cause === 'kerberos-error' ? 'medium' : 'low';
  return {
    cause: top.cause!,
    confidence: cap(top.confidence, maxConf),
    attempt: null,
    connection: top.connection,
    at: isoTime(top.at),
    summary: `No RDP connection in this capture; the failure that would affect one is: ${top.title}: ${top.detail}`,
    reason: 'The capture contains no RDP or RD Gateway connection, so this is only what would break one.',
    evidence: top.evidence.map((e) => ({ frame: e.frame, at: isoTime(e.at), what: e.what, documented: top.documented, finding: top.id })),
    clientErrors: clientErrorsFor(top.cause!, {}),
    about0x904: 'No RDP connection was captured; this capture cannot confirm a 0x904 / extended 0x7 report.',
    nextSteps: nextSteps(top.cause!, top, ctx),
    failureMoment: { at: null, source: 'none' },
    attempts: base.attempts,
    alternatives: sorted.slice(1, 6).map((f) => ({ cause: f.cause!, finding: f.id, confidence: f.confidence, connection: f.connection })),
  };
}

function about0x904(cause: RootCause, top: Finding): string {
  const errInfo = typeof top.data['errorInfo'] === 'number' ? (top.data['errorInfo'] as number) : null;
  if (cause === 'server-denied' && errInfo === 7) {
    return 'Consistent with 0x904 / extended 0x7: the server sent Set Error Info ERRINFO_SERVER_DENIED_CONNECTION (0x7, documented) and then the connection closed, which the client reports as its socket being closed (0x904). That mstsc copies errorInfo into the extended reason is inferred from the identical numbering (protocol-facts §0.1, §11 #1).';
  }
  if (cause === 'server-denied') {
    return 'A server-side refusal after the security phase; mstsc typically reports the socket close (0x904) with the errorInfo value as the extended reason (inferred). An extended 0x7 would mean ERRINFO_SERVER_DENIED_CONNECTION.';
  }
  const transport = ['tcp-connect-timeout', 'tcp-connect-refused', 'icmp-unreachable', 'gateway-unreachable'];
  if (transport.includes(cause)) {
    return 'The TCP connection never opened, so the client cannot have reported 0x904 (that needs a connected socket); expect a connect failure such as 0x204 (UNVERIFIED mapping). If the user saw 0x904 / 0x7, it came from a different attempt.';
  }
  return 'If the client reported 0x904 / extended 0x7: the socket closed (0x904) matches how this connection ended, but the capture does not show the server sending ERRINFO_SERVER_DENIED_CONNECTION; the extended 0x7 is therefore not explained by this evidence' + (top.id.startsWith('credssp') || top.id.startsWith('tls') ? '.' : ' (with TLS keys, --keylog would show it if it was sent).');
}
