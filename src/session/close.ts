/**
 * How a connection ended and who ended it: TCP FIN/RST (with reset attribution), a fatal
 * TLS alert or an MCS Disconnect Provider Ultimatum just before, or silence.
 */
import type { Connection } from '../reassembly/connection.js';
import type { ConnectionRecord } from './connection-record.js';
import { attributeRst, type RstAttribution } from './rst-attribution.js';
import { vantageOf, type Vantage } from './vantage.js';

export type CloseKind = 'fin' | 'rst' | 'alert' | 'dpu' | 'silence' | 'open' | 'refused' | 'unanswered';
export type ClosedBy = 'client' | 'server' | 'third-party' | 'unknown' | null;

export interface CloseInfo {
  closedBy: ClosedBy;
  closeKind: CloseKind;
  frame: number | null;
  at: number | null;
  rst: RstAttribution | null;
}

/** Seconds of quiet before the end of the capture after which an unclosed connection counts as silent. */
export const SILENCE_SECONDS = 5;

export function closeInfo(c: Connection, rec: ConnectionRecord | null, captureEnd: number, vantage: Vantage = vantageOf(c)): CloseInfo {
  const firstRst = c.rsts[0] ?? null;
  const fin = c.firstFin;
  // SYN never answered, or answered by RST.
  if (c.transport === 'tcp' && c.syns.length > 0 && !c.synAck) {
    if (firstRst && !firstRst.fromClient) {
      const a = attributeRst(c, firstRst, vantage);
      return { closedBy: a.verdict === 'middlebox' ? 'third-party' : 'server', closeKind: 'refused', frame: firstRst.frame, at: firstRst.ts, rst: a };
    }
    if (!firstRst && c.server.packets === 0) return { closedBy: null, closeKind: 'unanswered', frame: null, at: null, rst: null };
  }
  // A fatal TLS alert or DPU right before the close explains it better than FIN/RST.
  const closeFrame = Math.min(firstRst?.frame ?? Infinity, fin?.frame ?? Infinity);
  if (rec) {
    const fatal = rec.tls.alerts.find((a) => a.level === 2 && a.frame <= closeFrame);
    if (fatal) return { closedBy: fatal.from, closeKind: 'alert', frame: fatal.frame, at: null, rst: firstRst ? attributeRst(c, firstRst, vantage) : null };
    const dpu = rec.rdp.dpu ?? rec.inner?.rdp.dpu ?? null;
    if (dpu && dpu.frame <= closeFrame) return { closedBy: dpu.dir === 1 ? 'server' : 'client', closeKind: 'dpu', frame: dpu.frame, at: null, rst: null };
  }
  if (firstRst && (!fin || firstRst.frame < fin.frame)) {
    const a = attributeRst(c, firstRst, vantage);
    const side = firstRst.fromClient ? 'client' : 'server';
    return { closedBy: a.verdict === 'middlebox' ? 'third-party' : side, closeKind: 'rst', frame: firstRst.frame, at: firstRst.ts, rst: a };
  }
  if (fin) return { closedBy: fin.fromClient ? 'client' : 'server', closeKind: 'fin', frame: fin.frame, at: fin.ts, rst: null };
  if (captureEnd - c.end > SILENCE_SECONDS) {
    // Who fell silent: the side whose last packet came first.
    const quiet = c.client.lastTime < c.server.lastTime ? 'client' : 'server';
    return { closedBy: c.server.packets === 0 ? 'server' : quiet, closeKind: 'silence', frame: c.lastFrame, at: c.end, rst: null };
  }
  return { closedBy: null, closeKind: 'open', frame: null, at: null, rst: null };
}
