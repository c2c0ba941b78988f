/**
 * How a session that was up ended (inferred; a fact the rules read): reaching the active phase —
 * or, for a capture that started mid-connection, data flowing both ways — is not "healthy" by itself.
 *  - client-disconnect: the client closed first (its DPU, TLS close_notify, FIN or RST);
 *  - server-close: the server closed deliberately — Set Error Info / DPU / close_notify readable
 *    with keys, or, without keys, its last records before the close small (an encrypted close_notify
 *    is 24–31 bytes on the wire, Set Error Info and DPU tens of bytes) and within seconds of it;
 *  - server-abort: the server's FIN/RST with nothing of the kind before it (a crashed or killed
 *    server process closes its socket through the kernel; a rebooted host answers with RST);
 *  - forged-reset: the reset attribution says a third party sent the reset;
 *  - silent: nothing closed the connection and it went quiet (path death, or just idle);
 *  - open: still exchanging data when the capture ended.
 * The last data segments of each side are kept by the session layer (SegmentTail) because keyless
 * connections stop being decoded once the session is up.
 */
import type { Connection } from '../reassembly/connection.js';
import type { CloseInfo } from './close.js';
import type { ConnectionRecord } from './connection-record.js';

export type SessionEndKind = 'client-disconnect' | 'server-close' | 'server-abort' | 'forged-reset' | 'silent' | 'open';

export interface SessionEnd {
  kind: SessionEndKind;
  /** Frame and time of the close (FIN/RST/alert/DPU), null for silent/open. */
  frame: number | null;
  at: number | null;
  /** The capture started after the connection was set up (no handshake seen). */
  startedBeforeCapture: boolean;
  /** What told a deliberate server close from an abort (or the lack of it), in words. */
  evidence: string;
  /** Server data segments in the last seconds before its close (frame, payload bytes). */
  serverTail: TailSegment[];
  /** Keys were available for this connection's TLS (decrypted), so DPU / Set Error Info would have been readable. */
  decrypted: boolean;
}

/** Last data segments of one direction (payload length, frame, time), newest last. */
export class SegmentTail {
  static readonly SIZE = 4;
  readonly frames = new Float64Array(SegmentTail.SIZE);
  readonly times = new Float64Array(SegmentTail.SIZE);
  readonly lengths = new Uint32Array(SegmentTail.SIZE);
  /** First payload byte (a TLS record's content type when a record starts the segment), -1 not captured. */
  readonly heads = new Int16Array(SegmentTail.SIZE);
  count = 0;

  push(frame: number, ts: number, length: number, head: number): void {
    const i = this.count % SegmentTail.SIZE;
    this.frames[i] = frame;
    this.times[i] = ts;
    this.lengths[i] = length;
    this.heads[i] = head;
    this.count++;
  }

  /** The kept segments, oldest first. */
  list(): TailSegment[] {
    const n = Math.min(this.count, SegmentTail.SIZE);
    const out: TailSegment[] = [];
    for (let k = this.count - n; k < this.count; k++) {
      const i = k % SegmentTail.SIZE;
      out.push({ frame: this.frames[i]!, ts: this.times[i]!, length: this.lengths[i]!, head: this.heads[i]! });
    }
    return out;
  }
}

export interface TailSegment {
  frame: number;
  ts: number;
  length: number;
  head: number;
}

/** TLS record content types (RFC 8446 §5.1). */
const TLS_ALERT = 0x15;
const TLS_APPLICATION_DATA = 0x17;
/**
 * Encrypted TLS 1.3 close_notify: 2 bytes of alert and 1 of inner content type, 16 of AEAD tag, in a
 * record of 19 bytes (24 on the wire); TLS 1.2 and earlier keep the alert content type visible.
 */
const TLS13_ALERT_SEGMENT = 24;

/** Whether a segment is, by its shape, an encrypted TLS alert (most likely close_notify). */
export function looksLikeEncryptedAlert(s: TailSegment): boolean {
  return s.head === TLS_ALERT || (s.head === TLS_APPLICATION_DATA && s.length === TLS13_ALERT_SEGMENT);
}

/** The server's last records before a deliberate close come this soon before it. */
export const CLOSING_WINDOW_SECONDS = 2;

/** The connection carried data both ways although its handshake is not in the capture. */
export function startedBeforeCapture(c: Connection): boolean {
  return c.transport === 'tcp' && c.syns.length === 0 && c.synAck === null && c.client.packets > 0 && c.server.packets > 0 && c.client.bytes + c.server.bytes > 0;
}

function sessionWasUp(c: Connection, rec: ConnectionRecord): boolean {
  if (rec.machine.has('active') || rec.inner?.machine.has('active')) return true;
  return startedBeforeCapture(c) && c.server.bytes > 0;
}

export function sessionEnd(c: Connection, rec: ConnectionRecord | null, close: CloseInfo): SessionEnd | null {
  if (!rec || c.transport !== 'tcp' || (rec.protocol !== 'rdp' && rec.protocol !== 'rdp-gateway')) return null;
  if (!sessionWasUp(c, rec)) return null;
  const mid = startedBeforeCapture(c);
  const decrypted = rec.tls.decryption?.ok === true || rec.decryptedEvents > 0;
  const base = { startedBeforeCapture: mid, decrypted, serverTail: [] as SessionEnd['serverTail'] };
  const fin = c.firstFin;
  const rst = c.rsts[0] ?? null;
  const closeFrame = Math.min(fin?.frame ?? Infinity, rst?.frame ?? Infinity);
  if (!Number.isFinite(closeFrame)) {
    return { kind: close.closeKind === 'silence' ? 'silent' : 'open', frame: null, at: null, evidence: close.closeKind === 'silence' ? 'nothing closed the connection; it went quiet' : 'the connection was open when the capture ended', ...base };
  }
  const first = fin && fin.frame === closeFrame ? { frame: fin.frame, ts: fin.ts, fromClient: fin.fromClient, kind: 'FIN' } : { frame: rst!.frame, ts: rst!.ts, fromClient: rst!.fromClient, kind: 'RST' };
  if (close.closedBy === 'third-party') return { kind: 'forged-reset', frame: first.frame, at: first.ts, evidence: 'the reset was not sent by the side it claims to come from (reset attribution)', ...base };
  const r = rec.inner ?? rec;
  // Readable reasons and alerts, from either side, before the close.
  const dpu = r.rdp.dpu && r.rdp.dpu.frame <= closeFrame ? r.rdp.dpu : null;
  const alert = rec.tls.alerts.find((a) => a.frame <= closeFrame) ?? null;
  const encAlert = rec.tls.encryptedAlerts.find((a) => a.frame <= closeFrame) ?? null;
  const clientFirst = (dpu && dpu.dir === 0) || alert?.from === 'client' || encAlert?.from === 'client' || first.fromClient;
  if (clientFirst && !(dpu && dpu.dir === 1) && alert?.from !== 'server' && encAlert?.from !== 'server') {
    const how = dpu && dpu.dir === 0 ? `its Disconnect Provider Ultimatum (frame ${dpu.frame})` : alert?.from === 'client' ? `a TLS alert (frame ${alert.frame})` : encAlert?.from === 'client' ? `an encrypted TLS alert, most likely close_notify (frame ${encAlert.frame})` : `${first.kind} (frame ${first.frame})`;
    return { kind: 'client-disconnect', frame: first.frame, at: first.ts, evidence: `the client closed first, with ${how}`, ...base };
  }
  // The server closed. Deliberately (a reason or a close_notify before), or abortively?
  const serverTail = (rec.segmentTail(1)?.list() ?? []).filter((s) => s.frame < first.frame && first.ts - s.ts <= CLOSING_WINDOW_SECONDS);
  const sei = r.rdp.errorInfo.find((e) => e.frame <= closeFrame && e.value !== 0) ?? null;
  if (sei || (dpu && dpu.dir === 1) || alert?.from === 'server' || encAlert?.from === 'server') {
    const what = sei ? `Set Error Info 0x${sei.value.toString(16)} (frame ${sei.frame})` : dpu ? `a Disconnect Provider Ultimatum (frame ${dpu.frame})` : alert ? `TLS alert ${alert.description} (frame ${alert.frame})` : `an encrypted TLS alert, most likely close_notify (frame ${encAlert!.frame})`;
    return { kind: 'server-close', frame: first.frame, at: first.ts, evidence: `the server sent ${what} before its ${first.kind}`, ...base, serverTail };
  }
  // Without keys (the stream is no longer decoded once the session is up): the server's last record
  // before its close has the shape of an encrypted alert.
  const last = serverTail[serverTail.length - 1];
  if (!decrypted && last && looksLikeEncryptedAlert(last)) {
    return {
      kind: 'server-close', frame: first.frame, at: first.ts, ...base, serverTail,
      evidence: `the server's last data before its ${first.kind} (frame ${first.frame}) was a ${last.length}-byte segment (frame ${last.frame}) shaped like an encrypted TLS alert (${last.head === TLS_ALERT ? 'alert content type' : 'a 19-byte TLS 1.3 record'}), most likely close_notify: the server closed TLS on purpose`,
    };
  }
  const lastData = (rec.segmentTail(1)?.list() ?? []).filter((s) => s.frame < first.frame).pop();
  return {
    kind: 'server-abort', frame: first.frame, at: first.ts, ...base, serverTail,
    evidence:
      `the server's ${first.kind} (frame ${first.frame}) came with no Set Error Info, no Disconnect Provider Ultimatum and no TLS close_notify before it` +
      (decrypted ? ' (all readable with the keys)' : '') +
      (lastData ? `; its last data was ${lastData.length} bytes, ${(first.ts - lastData.ts).toFixed(2)} s earlier (frame ${lastData.frame})` : '; it sent no data in the capture before it'),
  };
}
