/**
 * Reads events from text XML as `wevtutil qe LOG /f:xml` (events one after another, no root) and
 * Event Viewer's "Save as XML" (`<Events>` around them) write it, in UTF-8 or UTF-16 (BOM or
 * not). The file is read 64 KiB at a time; only the event being scanned is held, and an event
 * larger than MAX_EVENT characters is dropped with a warning. A small tag scanner is enough:
 * elements, attributes, text, CDATA, comments, processing instructions, the five predefined
 * entities and character references.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import type { XmlAttr, XmlElement, XmlNode } from './binxml.js';
import { toEventRecord } from './event.js';
import type { LogItem } from './evtx-reader.js';
import { warning } from './warning.js';

const READ_SIZE = 0x10000;
const MAX_EVENT = 4 << 20;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|[A-Za-z]+);/g, (m, e: string) => {
    if (e[0] === '#') {
      const cp = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return cp >= 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
    }
    return ENTITIES[e] ?? m;
  });
}

/** Local name (namespace prefix dropped). */
function local(name: string): string {
  const i = name.indexOf(':');
  return i < 0 ? name : name.slice(i + 1);
}

/** The element tree of one `<Event>…</Event>` text, or null when it is not well formed. */
export function parseEventXml(text: string): XmlElement | null {
  // XML end-of-line handling (XML 1.0 §2.11): CR LF and lone CR become LF.
  text = text.replace(/\r\n?/g, '\n');
  const root: XmlElement = { name: '#root', attrs: [], children: [] };
  const stack: XmlElement[] = [root];
  let p = 0;
  while (p < text.length) {
    const lt = text.indexOf('<', p);
    const top = stack[stack.length - 1]!;
    if (lt < 0) {
      top.children.push(decodeEntities(text.slice(p)));
      break;
    }
    if (lt > p) top.children.push(decodeEntities(text.slice(p, lt)));
    if (text.startsWith('<!--', lt)) {
      const e = text.indexOf('-->', lt + 4);
      if (e < 0) return null;
      p = e + 3;
    } else if (text.startsWith('<![CDATA[', lt)) {
      const e = text.indexOf(']]>', lt + 9);
      if (e < 0) return null;
      top.children.push(text.slice(lt + 9, e));
      p = e + 3;
    } else if (text[lt + 1] === '?' || text[lt + 1] === '!') {
      const e = text.indexOf('>', lt);
      if (e < 0) return null;
      p = e + 1;
    } else if (text[lt + 1] === '/') {
      const e = text.indexOf('>', lt);
      if (e < 0) return null;
      const name = local(text.slice(lt + 2, e).trim());
      if (stack.length < 2 || top.name !== name) return null;
      stack.pop();
      p = e + 1;
    } else {
      const m = /^<([^\s/>]+)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/.exec(text.slice(lt, lt + 65536));
      if (!m) return null;
      const attrs: XmlAttr[] = [];
      for (const a of m[2]!.matchAll(/([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
        if (a[1] === 'xmlns' || a[1]!.startsWith('xmlns:')) continue;
        attrs.push({ name: local(a[1]!), value: decodeEntities(a[2] ?? a[3] ?? '') });
      }
      const el: XmlElement = { name: local(m[1]!), attrs, children: [] };
      top.children.push(el);
      if (m[3] !== '/') stack.push(el);
      p = lt + m[0].length;
    }
  }
  if (stack.length !== 1) return null;
  tidy(root);
  const ev = root.children.find((c): c is XmlElement => typeof c !== 'string' && c.name === 'Event');
  return ev ?? null;
}

/** Drops whitespace-only text beside child elements (pretty-printing), recursively. */
function tidy(el: XmlElement): void {
  const hasElements = el.children.some((c) => typeof c !== 'string');
  if (hasElements) {
    const kept: XmlNode[] = el.children.filter((c) => typeof c !== 'string' || c.trim() !== '');
    el.children.length = 0;
    el.children.push(...kept);
  }
  for (const c of el.children) if (typeof c !== 'string') tidy(c);
}

function encodingOf(head: Uint8Array): 'utf-8' | 'utf-16le' | 'utf-16be' {
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  if (head.length >= 2 && head[0] === 0x3c && head[1] === 0x00) return 'utf-16le';
  if (head.length >= 2 && head[0] === 0x00 && head[1] === 0x3c) return 'utf-16be';
  return 'utf-8';
}

/** Index of the next `<Event` start tag (not `<EventData`, `<EventID`…) at or after `from`, or -1. */
function nextEventStart(s: string, from: number): number {
  for (let i = s.indexOf('<Event', from); i >= 0; i = s.indexOf('<Event', i + 1)) {
    const c = s[i + 6];
    if (c === undefined) return i; // cut off at the piece's end: decide with more text
    if (c === '>' || c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === '/') return i;
  }
  return -1;
}

/** Events of a text XML event log (and warnings). */
export function* readXmlEventFile(path: string, name = path): Generator<LogItem> {
  const fd = openSync(path, 'r');
  try {
    const buf = new Uint8Array(READ_SIZE);
    let n = readSync(fd, buf, 0, READ_SIZE, 0);
    let pos = n;
    const decoder = new TextDecoder(encodingOf(buf.subarray(0, n)));
    let text = '';
    /** Characters of the file before `text`. */
    let consumed = 0;
    let events = 0;
    for (;;) {
      const done = n === 0;
      text += done ? decoder.decode() : decoder.decode(buf.subarray(0, n), { stream: true });
      for (;;) {
        const start = nextEventStart(text, 0);
        if (start < 0) {
          // Keep a tail that may hold the start of "<Event".
          const keep = Math.min(text.length, 6);
          consumed += text.length - keep;
          text = text.slice(text.length - keep);
          break;
        }
        const end = text.indexOf('</Event>', start);
        if (end < 0) {
          if (start > 0) {
            consumed += start;
            text = text.slice(start);
          }
          if (text.length > MAX_EVENT) {
            yield { warning: warning(name, consumed, `an event longer than ${MAX_EVENT} characters (character offset): skipped`) };
            consumed += 6;
            text = text.slice(6);
            continue;
          }
          break;
        }
        const chunk = text.slice(start, end + 8);
        const ev = parseEventXml(chunk);
        if (ev === null) yield { warning: warning(name, consumed + start, 'event XML not well formed (character offset): skipped') };
        else {
          events++;
          yield { event: toEventRecord(name, ev, 0, '') };
        }
        consumed += end + 8;
        text = text.slice(end + 8);
      }
      if (done) break;
      n = readSync(fd, buf, 0, READ_SIZE, pos);
      pos += n;
    }
    if (events === 0) yield { warning: warning(name, -1, 'no <Event> element found') };
  } finally {
    closeSync(fd);
  }
}
