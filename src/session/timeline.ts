/**
 * A bounded per-connection event list: every significant event up to a cap, bulk events
 * (encrypted records, fast-path PDUs) only while few, then counted.
 */
import { BULK_EVENT_INDEX, BULK_EVENT_LIST, type SessionEvent } from './events.js';

export const MAX_EVENTS = 600;
export const MAX_BULK_EVENTS = 100;

export class Timeline {
  readonly events: SessionEvent[] = [];
  bulkKept = 0;
  dropped = 0;
  /** Bulk events by type, indexed as BULK_EVENT_LIST (created with the first one; a Map cost ~0.5 KB per connection). */
  private counts: number[] | null = null;

  /** Bulk events seen, by type, in BULK_EVENT_LIST order. */
  get bulkCounts(): [string, number][] {
    const out: [string, number][] = [];
    const c = this.counts;
    if (c) for (let i = 0; i < c.length; i++) if (c[i]! > 0) out.push([BULK_EVENT_LIST[i]!, c[i]!]);
    return out;
  }

  /** Keeps the first `n` events (where a handshake's story is) and the last ones (how it ended). */
  compact(n: number): void {
    if (this.events.length <= n) return;
    const tail = Math.min(20, Math.floor(n / 4));
    const dropped = this.events.length - n;
    this.events.splice(n - tail, dropped);
    this.dropped += dropped;
  }

  add(e: SessionEvent): void {
    const bulk = BULK_EVENT_INDEX.get(e.type);
    if (bulk !== undefined) {
      const counts = (this.counts ??= new Array<number>(BULK_EVENT_LIST.length).fill(0));
      counts[bulk]!++;
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
