/**
 * The union of everything decoders report, plus the transport-level events the session
 * layer derives from TCP/ICMP. Every event has a type, a Wireshark frame and a capture time.
 */
import type { DecodeIssue } from '../core/issues.js';
import type { CredSspDecoderEvent } from '../protocols/credssp/events.js';
import type { KkdcpMessageEvent, KrbEvent } from '../protocols/kerberos/events.js';
import type { RdgEvent } from '../protocols/rdg/events.js';
import type { RdpEvent } from '../protocols/rdp/events.js';
import type { RdpUdpEvent } from '../protocols/rdpudp/events.js';
import type { Dir } from '../protocols/stream.js';
import type { TlsEvent } from '../protocols/tls/events.js';

export interface TransportEvent {
  readonly type:
    | 'tcp.syn'
    | 'tcp.syn_retransmission'
    | 'tcp.syn_ack'
    | 'tcp.established'
    | 'tcp.fin'
    | 'tcp.rst'
    | 'tcp.retransmission'
    | 'tcp.zero_window'
    | 'tcp.keep_alive'
    | 'tcp.gap'
    | 'icmp.error'
    | 'session.decrypt'
    | 'session.inner_connection';
  readonly frame: number;
  readonly ts: number;
  readonly dir?: Dir;
  readonly detail?: string;
  readonly [k: string]: unknown;
}

export type SessionEvent = RdpEvent | TlsEvent | CredSspDecoderEvent | KrbEvent | KkdcpMessageEvent | RdgEvent | RdpUdpEvent | TransportEvent | DecodeIssue;

/** Events kept in counters rather than one by one beyond the first few (bulk data). */
export const BULK_EVENT_LIST = ['tls.app_record', 'rdp.fastpath', 'rdp.encrypted_pdu', 'rdg.data', 'rdpudp.datagram', 'rdg.websocket_ping', 'rdg.websocket_pong', 'rdg.keepalive', 'tcp.retransmission'] as const;
export const BULK_EVENT_TYPES: ReadonlySet<string> = new Set(BULK_EVENT_LIST);
/** Index of a bulk event type in BULK_EVENT_LIST (for per-connection counters without a Map). */
export const BULK_EVENT_INDEX: ReadonlyMap<string, number> = new Map(BULK_EVENT_LIST.map((t, i) => [t, i]));
