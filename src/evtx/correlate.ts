/**
 * Lines event-log records up with the capture's connections. A record that names the client's
 * address and port (RdpCoreTS 131 ClientIP "ip:port", Security 4624/4625 IpAddress+IpPort) is
 * matched exactly; one that names only an address (RCM 1149 Param3, Gateway IpAddress, RdpCoreTS
 * 140, LSM 24/25 Address, Security 4825 ClientAddress) goes to that address's connection whose
 * time window holds it; the rest are not matched. Exact matches also measure the clocks: the
 * offset between the log's time and the capture's time of the same connection. When the offsets
 * agree on more than CLOCK_TOLERANCE the log and capture clocks disagree: this is reported, and
 * address-only matches are not attempted (their time windows cannot be trusted); times are never
 * shifted.
 */
import type { EventRecord } from './event.js';
import { accessor, Provider } from './meanings.js';

export interface ConnTuple {
  readonly id: number;
  readonly clientIp: string;
  readonly clientPort: number;
  readonly serverIp: string;
  readonly serverPort: number;
  /** Capture times (s) of the first and last packet. */
  readonly start: number;
  readonly end: number;
}

export interface EventMatch {
  readonly conn: number;
  readonly event: EventRecord;
  readonly how: 'address-port' | 'address-time';
}

export interface ClockCheck {
  /** Median of log time − capture time over exact matches, seconds (null when none). */
  readonly offset: number | null;
  readonly samples: number;
  readonly disagree: boolean;
}

/** Seconds a log's time may differ from the capture's for the same connection (accept latency, logging delay). */
export const CLOCK_TOLERANCE = 2;
/** Seconds around a connection within which an address-only record is taken to be about it. */
const WINDOW = 2;

function stripV4Mapped(ip: string): string {
  return ip.replace(/^::ffff:/i, '').trim();
}

/** [address, port] named by a record (port NaN when only an address), or null. */
export function addressOf(e: EventRecord): [string, number] | null {
  const d = accessor(e);
  if (e.provider === Provider.RdpCoreTs && e.eventId === 131) {
    const v = d('ClientIP');
    const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(v.trim());
    return m ? [stripV4Mapped(m[1]!), Number(m[2])] : v ? [stripV4Mapped(v), NaN] : null;
  }
  if (e.provider === Provider.Security) {
    const ip = d('IpAddress') || d('ClientAddress');
    if (!ip || ip === '-') return null;
    const port = Number(d('IpPort'));
    return [stripV4Mapped(ip), port > 0 ? port : NaN];
  }
  if (e.provider === Provider.Rcm && e.eventId === 1149) return d('Param3') ? [stripV4Mapped(d('Param3')), NaN] : null;
  if (e.provider === Provider.Gateway) {
    const v = d('IpAddress');
    const m = /^([\d.]+):(\d+)$/.exec(v);
    return m ? [m[1]!, Number(m[2])] : v ? [stripV4Mapped(v), NaN] : null;
  }
  if (e.provider === Provider.RdpCoreTs && e.eventId === 140) return d('IPString') ? [stripV4Mapped(d('IPString')), NaN] : null;
  if (e.provider === Provider.Lsm) {
    const a = d('Address');
    return a && a !== 'LOCAL' ? [stripV4Mapped(a), NaN] : null;
  }
  return null;
}

export function correlate(events: readonly EventRecord[], conns: readonly ConnTuple[]): { matches: EventMatch[]; clock: ClockCheck } {
  const byEndpoint = new Map<string, ConnTuple[]>();
  const byAddress = new Map<string, ConnTuple[]>();
  for (const c of conns) {
    const k = `${c.clientIp}|${c.clientPort}`;
    byEndpoint.set(k, [...(byEndpoint.get(k) ?? []), c]);
    byAddress.set(c.clientIp, [...(byAddress.get(c.clientIp) ?? []), c]);
  }
  const matches: EventMatch[] = [];
  const offsets: number[] = [];
  const addressOnly: [EventRecord, string][] = [];
  for (const e of events) {
    const a = addressOf(e);
    if (!a) continue;
    const [ip, port] = a;
    if (!Number.isNaN(port)) {
      const cands = byEndpoint.get(`${ip}|${port}`) ?? [];
      // Ports are reused: take the connection whose start is nearest the record's time.
      let best: ConnTuple | null = null;
      for (const c of cands) if (!best || Math.abs(e.ts - c.start) < Math.abs(e.ts - best.start)) best = c;
      if (best) {
        matches.push({ conn: best.id, event: e, how: 'address-port' });
        offsets.push(e.ts - (e.ts < best.start ? best.start : e.ts > best.end ? best.end : e.ts));
        continue;
      }
    }
    addressOnly.push([e, ip]);
  }
  offsets.sort((x, y) => x - y);
  const offset = offsets.length ? offsets[Math.floor(offsets.length / 2)]! : null;
  const disagree = offset !== null && Math.abs(offset) > CLOCK_TOLERANCE;
  if (!disagree) {
    for (const [e, ip] of addressOnly) {
      const inWindow = (byAddress.get(ip) ?? []).filter((c) => e.ts >= c.start - WINDOW && e.ts <= c.end + WINDOW);
      if (inWindow.length === 1) matches.push({ conn: inWindow[0]!.id, event: e, how: 'address-time' });
    }
  }
  return { matches, clock: { offset, samples: offsets.length, disagree } };
}
