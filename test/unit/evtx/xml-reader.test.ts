/**
 * Text XML event logs: the shape `wevtutil qe … /f:xml` writes (events one after another,
 * attributes in single quotes, no root), Event Viewer's "Save as XML" (an <Events> root, UTF-16
 * with BOM), events split across the reader's 64 KiB pieces, and broken XML.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readEventLog } from '../../../src/evtx/open.js';
import type { EventRecord } from '../../../src/evtx/event.js';
import type { EvtxWarning } from '../../../src/evtx/warning.js';

const tmp = mkdtempSync(join(tmpdir(), 'rdpdiag-evtxml-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A 4625 as wevtutil writes it (field names and layout from the Security-Auditing manifest). */
function event4625(id: number, ip: string): string {
  return `<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-Security-Auditing' Guid='{54849625-5478-4994-a5ba-3e3b0328c30d}'/><EventID>4625</EventID><Version>0</Version><Level>0</Level><Task>12544</Task><Opcode>0</Opcode><Keywords>0x8010000000000000</Keywords><TimeCreated SystemTime='2026-11-20T13:03:12.1234567Z'/><EventRecordID>${id}</EventRecordID><Correlation/><Execution ProcessID='768' ThreadID='2764'/><Channel>Security</Channel><Computer>srv01.example.test</Computer><Security/></System><EventData><Data Name='TargetUserName'>alice</Data><Data Name='Status'>0xc000006d</Data><Data Name='SubStatus'>0xc000006a</Data><Data Name='LogonType'>10</Data><Data Name='ProcessName'>C:\\Windows\\System32\\svchost.exe &amp; co</Data><Data Name='IpAddress'>${ip}</Data><Data Name='IpPort'>50123</Data></EventData></Event>`;
}

function read(path: string): { events: EventRecord[]; warnings: EvtxWarning[] } {
  const events: EventRecord[] = [];
  const warnings: EvtxWarning[] = [];
  for (const item of readEventLog(path)) {
    if ('event' in item) events.push(item.event);
    else warnings.push(item.warning);
  }
  return { events, warnings };
}

describe('XML event reader', () => {
  it('reads wevtutil output (no root, single quotes, entities)', () => {
    const p = join(tmp, 'wevtutil.xml');
    writeFileSync(p, event4625(1, '192.0.2.10') + '\r\n' + event4625(2, '192.0.2.11') + '\r\n');
    const { events, warnings } = read(p);
    expect(warnings).toEqual([]);
    expect(events).toHaveLength(2);
    const e = events[0]!;
    expect([e.recordId, e.eventId, e.provider, e.channel, e.computer, e.time]).toEqual([1, 4625, 'Microsoft-Windows-Security-Auditing', 'Security', 'srv01.example.test', '2026-11-20T13:03:12.1234567Z']);
    expect(e.ts).toBeCloseTo(Date.UTC(2026, 10, 20, 13, 3, 12) / 1000 + 0.1234567, 6);
    expect(Object.fromEntries(e.data)).toMatchObject({ Status: '0xc000006d', SubStatus: '0xc000006a', IpAddress: '192.0.2.10', ProcessName: 'C:\\Windows\\System32\\svchost.exe & co' });
  });

  it('reads Event Viewer "Save as XML" in UTF-16 with BOM, events across 64 KiB pieces', () => {
    const p = join(tmp, 'saved.xml');
    const n = 400; // ~400 × 1.3 KB characters × 2 bytes: several pieces
    let s = '\ufeff<?xml version="1.0" encoding="UTF-16"?>\r\n<Events>';
    for (let i = 1; i <= n; i++) s += event4625(i, `192.0.2.${i % 250}`);
    s += '</Events>';
    writeFileSync(p, Buffer.from(s, 'utf16le'));
    const { events, warnings } = read(p);
    expect(warnings).toEqual([]);
    expect(events.map((e) => e.recordId)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    expect(events[399]!.data.find(([k]) => k === 'IpAddress')![1]).toBe('192.0.2.150');
  });

  it('a broken event is skipped with a warning; the next one is read', () => {
    const p = join(tmp, 'broken.xml');
    writeFileSync(p, event4625(1, 'x').replace('</EventData>', '</EventDataX>') + event4625(2, '192.0.2.2'));
    const { events, warnings } = read(p);
    expect(events.map((e) => e.recordId)).toEqual([2]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toMatch(/not well formed/);
  });

  it('XML without events says so', () => {
    const p = join(tmp, 'other.xml');
    writeFileSync(p, '<?xml version="1.0"?><root><x/></root>');
    expect(read(p).warnings.map((w) => w.message)).toEqual(['no <Event> element found']);
  });
});
