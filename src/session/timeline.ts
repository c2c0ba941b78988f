/**
 * A bounded per-connection event list: every significant event up to a cap, bulk events
 * (encrypted records, fast-path PDUs) only while few, then counted.
 */
import { BULK_EVENT_TYPES, type SessionEvent } from './events.js';

export const MAX_EVENTS = 600;
export const MAX_BULK_EVENTS = 100;

export class Timeline {
  readonly events: SessionEvent[] = [];
  bulkKept = 0;
  dropped = 0;
  readonly bulkCounts = new Map<string, number>();

  /** Keeps the first `n` events (where a handshake's story is) and the last ones (how it ended). */
  compact(n: number): void {
    if (this.events.length <= n) return;
    const tail = Math.min(20, Math.floor(n / 4));
    const dropped = this.events.length - n;
    this.events.splice(n - tail, dropped);
    this.dropped += dropped;
  }

  add(e: SessionEvent): void {
    if (BULK_EVENT_TYPES.has(e.type)) {
      this.bulkCounts.set(e.type, (this.bulkCounts.get(e.type) ?? 0) + 1);
      if (this.bulkKept >= MAX_BULK_EVENTS) {
        this.dropped++;
        return;
      }
      this.bulkKept++;
    }
    if (this.events.length >= MAX_EVENTS) {
      this.dropped++;
      return;
    }
    this.events.push(e);
  }
}
