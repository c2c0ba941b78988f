/**
 * `rdpdiag events FILE...`: the RDP-relevant records of Windows event logs (.evtx or event XML),
 * each with its meaning in words and its codes named; `--all` for every record. Records are
 * written as they are read (JSON too), so memory stays bounded on large logs. Names from the
 * logs are redacted unless --no-redact.
 */
import type { Command } from 'commander';
import { writeSync } from 'node:fs';
import { RdpdiagError, ErrorCode } from '../core/errors.js';
import type { EventRecord } from '../evtx/event.js';
import { isRdpRelevant, isSensitiveData, meaningOf } from '../evtx/meanings.js';
import { readEventLog } from '../evtx/open.js';
import { formatWarning, type EvtxWarning } from '../evtx/warning.js';
import { redactValue } from '../report/redact.js';
import { ExitCode } from './exit-codes.js';

export const EVENTS_SCHEMA = 'rdpdiag.events/1';

/** The record with names redacted (data fields that hold names, the user SID). */
export function redactEvent(e: EventRecord): EventRecord {
  return {
    ...e,
    userSid: e.userSid.startsWith('S-1-5-21-') ? redactValue(e.userSid) : e.userSid,
    data: e.data.map(([k, v]) => [k, isSensitiveData(e, k) && v !== '-' ? redactValue(v) : v] as const),
  };
}

export interface EventJson {
  file: string;
  recordId: number;
  time: string;
  provider: string;
  eventId: number;
  channel: string;
  computer: string;
  data: Record<string, string>;
  meaning: string;
}

export function eventJson(e: EventRecord): EventJson {
  const data: Record<string, string> = {};
  for (const [k, v] of e.data) data[k in data ? `${k}#${Object.keys(data).length}` : k] = v;
  return { file: e.file, recordId: e.recordId, time: e.time, provider: e.provider, eventId: e.eventId, channel: e.channel, computer: e.computer, data, meaning: meaningOf(e) };
}

const SHORT: Record<string, string> = {
  'Microsoft-Windows-TerminalServices-RemoteConnectionManager': 'RCM',
  'Microsoft-Windows-RemoteDesktopServices-RdpCoreTS': 'RdpCoreTS',
  'Microsoft-Windows-TerminalServices-LocalSessionManager': 'LSM',
  'Microsoft-Windows-TerminalServices-Gateway': 'Gateway',
  'Microsoft-Windows-TerminalServices-ClientActiveXCore': 'RDPClient',
  'Microsoft-Windows-Security-Auditing': 'Security',
};

export function eventText(e: EventRecord): string {
  const m = meaningOf(e);
  const head = `${e.time.replace('T', ' ').replace(/(\.\d{3})\d*Z$/, '$1Z')}  ${SHORT[e.provider] ?? e.provider} ${e.eventId}  #${e.recordId}`;
  const body = m || e.data.map(([k, v]) => `${k}=${v}`).join('; ').slice(0, 300);
  return `${head}\n    ${body}\n`;
}

const PAUSE = new Int32Array(new SharedArrayBuffer(4));

class StdoutClosed extends Error {}

function out(s: string): void {
  const b = Buffer.from(s, 'utf8');
  for (let off = 0; off < b.length; ) {
    try {
      off += writeSync(1, b, off, b.length - off);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') throw new StdoutClosed();
      // Standard output may be a non-blocking pipe: wait for the reader.
      if (code !== 'EAGAIN') throw e;
      Atomics.wait(PAUSE, 0, 0, 2);
    }
  }
}

export function registerEventsCommand(program: Command): void {
  program
    .command('events')
    .description('RDP-relevant records of Windows event logs (.evtx, or XML from wevtutil qe /f:xml or Event Viewer), with their meaning')
    .argument('<files...>', 'event logs (.evtx or .xml)')
    .option('-f, --format <format>', 'text or json', 'text')
    .option('--all', 'every record, not only the RDP-relevant ones', false)
    .option('--no-redact', 'show user and domain names instead of redacting them')
    .action((files: string[], opts: { format: string; all: boolean; redact: boolean }) => {
      if (opts.format !== 'text' && opts.format !== 'json') {
        throw new RdpdiagError(ErrorCode.BAD_ARGUMENT, `--format must be text or json, not '${opts.format}'`);
      }
      // Fail on an unreadable file before writing anything.
      const logs = files.map((f) => ({ f, items: readEventLog(f) }));
      const json = opts.format === 'json';
      const warnings: EvtxWarning[] = [];
      let shown = 0;
      let read = 0;
      try {
        write();
      } catch (e) {
        if (!(e instanceof StdoutClosed)) throw e; // the reader (e.g. head) went away: stop quietly
      }
      process.exitCode = ExitCode.HEALTHY;

      function write(): void {
      if (json) out(`{"schema":${JSON.stringify(EVENTS_SCHEMA)},"records":[`);
      for (const { items } of logs) {
        for (const item of items) {
          if ('warning' in item) {
            warnings.push(item.warning);
            continue;
          }
          read++;
          if (!opts.all && !isRdpRelevant(item.event)) continue;
          const e = opts.redact ? redactEvent(item.event) : item.event;
          out(json ? `${shown === 0 ? '\n' : ',\n'}${JSON.stringify(eventJson(e))}` : eventText(e));
          shown++;
        }
      }
      if (json) {
        out(`\n],"recordsRead":${read},"recordsShown":${shown},"warnings":${JSON.stringify(warnings)}}\n`);
      } else {
        out(`${shown} of ${read} record(s) shown${opts.all ? '' : ' (RDP-relevant; --all for every record)'}.\n`);
        for (const w of warnings.slice(0, 50)) process.stderr.write(`warning: ${formatWarning(w)}\n`);
        if (warnings.length > 50) process.stderr.write(`warning: … and ${warnings.length - 50} more\n`);
      }
      }
    });
}
