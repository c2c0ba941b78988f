/**
 * The event logs given to `analyze --events`: their RDP-relevant records (only those are kept, at
 * most MAX_KEPT), the warnings met, and the client's last RDPClient 1026 (the moment and the
 * disconnect reason the user saw, used like --failed-at when that is not given).
 */
import type { EventRecord } from './event.js';
import { clientReason, accessor, isRdpRelevant, meaningOf, Provider } from './meanings.js';
import { readEventLog } from './open.js';
import { formatWarning } from './warning.js';

const MAX_KEPT = 200_000;

export interface EventLogInput {
  events: EventRecord[];
  clientFailure: { ts: number; time: string; reason: number; meaning: string } | null;
  summary: { files: string[]; recordsRead: number; recordsKept: number; notKept: number; clientFailure: { time: string; reason: number; meaning: string } | null; warnings: string[] };
}

export function readEventLogs(paths: string[]): EventLogInput {
  const events: EventRecord[] = [];
  const warnings: string[] = [];
  let read = 0;
  let notKept = 0;
  let clientFailure: EventLogInput['clientFailure'] = null;
  for (const p of paths) {
    for (const item of readEventLog(p)) {
      if ('warning' in item) {
        if (warnings.length < 100) warnings.push(formatWarning(item.warning));
        continue;
      }
      read++;
      const e = item.event;
      if (!isRdpRelevant(e)) continue;
      if (e.provider === Provider.RdpClient && e.eventId === 1026 && Number.isFinite(e.ts) && (!clientFailure || e.ts > clientFailure.ts)) {
        clientFailure = { ts: e.ts, time: e.time, reason: clientReason(accessor(e)), meaning: meaningOf(e) };
      }
      if (events.length < MAX_KEPT) events.push(e);
      else notKept++;
    }
  }
  const cf = clientFailure ? { time: clientFailure.time, reason: clientFailure.reason, meaning: clientFailure.meaning } : null;
  return { events, clientFailure, summary: { files: paths, recordsRead: read, recordsKept: events.length, notKept, clientFailure: cf, warnings } };
}
