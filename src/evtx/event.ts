/**
 * One event as rdpdiag uses it, taken from the XML tree of a record (Binary XML or text XML):
 * the System fields that identify it and the name/value pairs of its EventData or UserData.
 *
 * Pairs: `<Data Name="N">v</Data>` gives N=v; an unnamed `<Data>` gives `Data[i]` (i counts the
 * Data elements from 0); another EventData child (e.g. `<Binary>`) gives its element name; under
 * UserData the wrapper element is dropped and each leaf below it gives `path/to/leaf`.
 */
import { textOf, type XmlElement, type XmlNode } from './binxml.js';
import { isoToSeconds } from './time.js';

export interface EventRecord {
  /** The file it was read from, as given. */
  readonly file: string;
  /** EventRecordID (System/EventRecordID; the record header's number when absent). */
  readonly recordId: number;
  /** TimeCreated/@SystemTime as ISO UTC (as written: 7 fraction digits from .evtx). */
  readonly time: string;
  /** The same time in seconds since the Unix epoch (NaN when unreadable). */
  readonly ts: number;
  readonly provider: string;
  readonly eventId: number;
  readonly channel: string;
  readonly computer: string;
  /** System/Level (1 critical … 5 verbose, 0 = log always), NaN when absent. */
  readonly level: number;
  /** Security/@UserID (a SID), '' when absent. */
  readonly userSid: string;
  /** EventData/UserData pairs in document order. */
  readonly data: ReadonlyArray<readonly [string, string]>;
}

function child(el: XmlElement, name: string): XmlElement | undefined {
  for (const c of el.children) if (typeof c !== 'string' && c.name === name) return c;
  return undefined;
}

function attr(el: XmlElement | undefined, name: string): string {
  if (!el) return '';
  for (const a of el.attrs) if (a.name === name) return a.value;
  return '';
}

function elements(el: XmlElement): XmlElement[] {
  return el.children.filter((c): c is XmlElement => typeof c !== 'string');
}

function leaves(el: XmlElement, path: string, out: [string, string][]): void {
  const kids = elements(el);
  if (kids.length === 0) {
    out.push([path, textOf(el)]);
    return;
  }
  for (const k of kids) leaves(k, path ? `${path}/${k.name}` : k.name, out);
}

/** The pairs of EventData or UserData (see the file comment). */
export function dataPairs(event: XmlElement): [string, string][] {
  const out: [string, string][] = [];
  const ed = child(event, 'EventData');
  if (ed) {
    let i = 0;
    for (const c of elements(ed)) {
      if (c.name === 'Data') {
        const n = attr(c, 'Name');
        out.push([n !== '' ? n : `Data[${i}]`, textOf(c)]);
        i++;
      } else {
        out.push([c.name, textOf(c)]);
      }
    }
  }
  const ud = child(event, 'UserData');
  if (ud) for (const wrapper of elements(ud)) for (const k of elements(wrapper)) leaves(k, k.name, out);
  return out;
}

/** The Event element among the top-level nodes of a record, or undefined. */
export function eventElement(nodes: XmlNode[]): XmlElement | undefined {
  for (const n of nodes) if (typeof n !== 'string' && n.name === 'Event') return n;
  return undefined;
}

/** An EventRecord from an `<Event>` tree; `fallbackId`/`fallbackTime` come from the record header. */
export function toEventRecord(file: string, ev: XmlElement, fallbackId: number, fallbackTime: string): EventRecord {
  const sys = child(ev, 'System');
  const text = (name: string) => (sys ? (() => { const c = child(sys, name); return c ? textOf(c).trim() : ''; })() : '');
  const idText = text('EventRecordID');
  const recordId = idText !== '' && /^\d+$/.test(idText) ? Number(idText) : fallbackId;
  const t = sys ? attr(child(sys, 'TimeCreated'), 'SystemTime') : '';
  const time = t !== '' ? normaliseIso(t) : fallbackTime;
  const level = text('Level');
  return {
    file,
    recordId,
    time,
    ts: isoToSeconds(time),
    provider: sys ? attr(child(sys, 'Provider'), 'Name') : '',
    eventId: Number(text('EventID')) || 0,
    channel: text('Channel'),
    computer: text('Computer'),
    level: level === '' ? NaN : Number(level),
    userSid: sys ? attr(child(sys, 'Security'), 'UserID') : '',
    data: dataPairs(ev),
  };
}

/** `2016-06-29 15:24:34.345+00:00` and similar → `2016-06-29T15:24:34.345Z` (digits kept). */
function normaliseIso(t: string): string {
  const m = /^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d(?:\.\d+)?)\s*(Z|[+-]00:?00)?$/.exec(t.trim());
  return m ? `${m[1]}T${m[2]}Z` : t;
}
