/**
 * Events of the decryption module. Decryption itself reports through DecryptResult /
 * DecryptorResult (the TLS decoder turns those into its own events with the frame); the
 * only event here summarises a loaded key log source, with counts only — never secrets.
 */
import type { ProtoEventBase } from '../../stream.js';
import type { KeyLogAddResult } from './keylog.js';

export interface TlsKeyLogLoadedEvent extends ProtoEventBase {
  readonly type: 'tls.keylog_loaded';
  /** "keylog:<file>" or "pcapng-dsb:frame N". */
  readonly origin: string;
  readonly added: number;
  readonly duplicates: number;
  readonly conflicts: number;
  /** Valid lines with labels decryption does not use, e.g. { EARLY_EXPORTER_SECRET: 2 }. */
  readonly ignored: Readonly<Record<string, number>>;
  /** Bad lines: line numbers and reasons only. */
  readonly badLines: readonly { readonly line: number; readonly message: string }[];
}

export type TlsDecryptEvent = TlsKeyLogLoadedEvent;

/** The event for one `SecretStore.addText` result (frame 0 for key log files, the DSB's frame otherwise). */
export function keyLogLoadedEvent(r: KeyLogAddResult, frame: number, ts: number): TlsKeyLogLoadedEvent {
  return {
    type: 'tls.keylog_loaded', frame, ts, origin: r.origin, added: r.added, duplicates: r.duplicates,
    conflicts: r.conflicts, ignored: { ...r.ignored }, badLines: r.issues.map((i) => ({ line: i.line, message: i.message })),
  };
}
