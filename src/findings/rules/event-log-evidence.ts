/**
 * Evidence from Windows event logs given with --events (docs/event-logs.md): records matched to a
 * connection (src/evtx/correlate.ts) become one finding per connection that quotes what the log
 * says and when, relative to the connection's close ("the server's log shows logon failure
 * 0xC000006A for this connection 40 ms before it closed"). A failure the log names (4625, 4771,
 * 4825, RdpCoreTS 140, Gateway 201/301/304) supports the matching root cause; a clock
 * disagreement between log and capture is its own finding, and nothing is shifted.
 */
import type { RootCause } from '../types.js';
import { correlate, type ConnTuple, type EventMatch } from '../../evtx/correlate.js';
import { accessor, meaningOf, Provider } from '../../evtx/meanings.js';
import type { FindingContext } from '../context.js';
import { streamFilter } from '../context.js';
import { kind, type Rule } from '../rule.js';
import { makeFinding, type Finding } from '../types.js';

export const EVENTLOG_EVIDENCE = kind({
  id: 'eventlog.connection-evidence',
  title: 'The Windows event log has records about this connection',
  severity: 'info',
  category: 'server',
  documented: true,
  cause: null,
  rank: 60,
});

export const EVENTLOG_CLOCK = kind({
  id: 'eventlog.clock-disagrees',
  title: 'The event log and the capture disagree on the time',
  severity: 'warning',
  category: 'capture',
  documented: true,
  cause: null,
  rank: 90,
});

/** The root cause a failure record names, or null. */
function causeOf(m: EventMatch): RootCause | null {
  const e = m.event;
  if (e.provider === Provider.Security && (e.eventId === 4625 || e.eventId === 4771)) return 'credssp-auth-failure';
  if (e.provider === Provider.RdpCoreTs && e.eventId === 140) return 'credssp-auth-failure';
  if (e.provider === Provider.Security && e.eventId === 4825) return 'server-denied';
  if (e.provider === Provider.Gateway && (e.eventId === 201 || e.eventId === 301 || e.eventId === 304)) return 'gateway-denied';
  return null;
}

function when(eventTs: number, closeTs: number | null): string {
  if (closeTs === null) return '';
  const ms = Math.round((closeTs - eventTs) * 1000);
  return ms >= 0 ? `${ms} ms before the connection closed` : `${-ms} ms after the connection closed`;
}

export const rule: Rule = {
  kinds: [EVENTLOG_EVIDENCE, EVENTLOG_CLOCK],
  run(ctx: FindingContext): Finding[] {
    const events = ctx.events ?? [];
    if (events.length === 0) return [];
    const tuples: ConnTuple[] = ctx.conns.map((v) => ({
      id: v.conn.id, clientIp: v.conn.client.ip, clientPort: v.conn.client.port, serverIp: v.conn.server.ip, serverPort: v.conn.server.port, start: v.conn.start, end: v.conn.end,
    }));
    const { matches, clock } = correlate(events, tuples);
    const out: Finding[] = [];
    if (clock.disagree && clock.offset !== null) {
      out.push(makeFinding({
        kind: EVENTLOG_CLOCK,
        conn: null,
        confidence: clock.samples >= 3 ? 'high' : 'medium',
        frames: [],
        at: ctx.captureStart,
        detail: `Records that name a connection's client address and port are ${Math.abs(clock.offset).toFixed(3)} s ${clock.offset > 0 ? 'later' : 'earlier'} than that connection in the capture (median of ${clock.samples}): the clocks of the logging machine and the capturing machine disagree. Times are not adjusted; records that name only an address were not matched by time.`,
        filter: '',
        data: { offsetSeconds: clock.offset, samples: clock.samples },
      }));
    }
    const byConn = new Map<number, EventMatch[]>();
    for (const m of matches) byConn.set(m.conn, [...(byConn.get(m.conn) ?? []), m]);
    for (const v of ctx.conns) {
      const list = byConn.get(v.conn.id);
      if (!list) continue;
      list.sort((a, b) => a.event.ts - b.event.ts);
      const closeTs = v.close.at ?? v.conn.end;
      const failure = list.find((m) => causeOf(m) !== null) ?? null;
      const lines = list.map((m) => {
        const t = when(m.event.ts, closeTs);
        return `${m.event.channel || m.event.provider} ${m.event.eventId} #${m.event.recordId} at ${m.event.time}${t ? ` (${t})` : ''}${m.how === 'address-time' ? ' [matched by address and time]' : ''}: ${meaningOf(m.event) || 'no meaning known'}`;
      });
      const lead = failure
        ? `The ${failure.event.channel === 'Security' ? "server's Security log" : 'event log'} shows a failure for this connection ${when(failure.event.ts, closeTs)}: ${meaningOf(failure.event)}`
        : `The event log has ${list.length} record(s) for this connection.`;
      const f = makeFinding({
        kind: EVENTLOG_EVIDENCE,
        conn: v.conn,
        confidence: failure && failure.how === 'address-port' && !clock.disagree ? 'high' : 'medium',
        frames: [],
        at: failure ? failure.event.ts : list[0]!.event.ts,
        detail: `${lead} Records: ${lines.join(' | ')}`,
        filter: streamFilter(v.conn),
        evidence: list.map((m) => ({ frame: 0, at: m.event.ts, what: `log: ${m.event.provider} ${m.event.eventId} #${m.event.recordId} — ${meaningOf(m.event)}` })),
        data: {
          records: list.map((m) => ({ file: m.event.file, recordId: m.event.recordId, eventId: m.event.eventId, provider: m.event.provider, time: m.event.time, matchedBy: m.how, status: accessor(m.event)('Status') || null, subStatus: accessor(m.event)('SubStatus') || null })),
        },
        cause: failure ? causeOf(failure) : null,
      });
      out.push(f);
    }
    return out;
  },
};
