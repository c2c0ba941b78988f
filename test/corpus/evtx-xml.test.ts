/**
 * The text-XML event reader over the XML that python-evtx printed for each corpus file
 * (`*.xml.baseline`): read as an XML event log, every record must give exactly the pairs of the
 * TSV dump python-evtx's output was reduced to (both come from the same XML, so no value-format
 * allowances are needed), in the same order and number.
 */
import { describe, expect, it } from 'vitest';
import { readXmlEventFile } from '../../src/evtx/xml-reader.js';
import type { EventRecord } from '../../src/evtx/event.js';
import { corpusName, evtxFiles, HAVE_EVTX_CORPUS, readBaseline } from '../helpers/evtx-corpus.js';

describe.skipIf(!HAVE_EVTX_CORPUS)('XML event reader on python-evtx XML output', () => {
  for (const f of evtxFiles()) {
    const name = corpusName(f);
    it(name, () => {
      const base = readBaseline(f);
      const mine: EventRecord[] = [];
      for (const item of readXmlEventFile(f + '.xml.baseline', name)) if ('event' in item) mine.push(item.event);
      expect(mine.length).toBe(base.length);
      const problems: string[] = [];
      for (let i = 0; i < base.length; i++) {
        const b = base[i]!;
        const m = mine[i]!;
        const got = {
          recordId: m.recordId,
          time: m.time,
          provider: m.provider,
          eventId: m.eventId,
          channel: m.channel,
          computer: m.computer,
          data: m.data,
        };
        const want = { recordId: b.recordId, time: b.time, provider: b.provider, eventId: b.eventId, channel: b.channel, computer: b.computer, data: b.data };
        if (JSON.stringify(got) !== JSON.stringify(want)) problems.push(`${i}: ${JSON.stringify(got).slice(0, 300)} ≠ ${JSON.stringify(want).slice(0, 300)}`);
      }
      expect(problems.slice(0, 5)).toEqual([]);
    });
  }
});
