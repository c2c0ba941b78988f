/**
 * What every capture source (file reader, live capture) implements. Sources read in
 * chunks and call the sink synchronously for each record of a chunk: the only `await`
 * is between chunks, which is where backpressure happens.
 */
import type { DecodeIssue } from '../core/issues.js';
import type { EmbeddedSecrets, Frame, InterfaceInfo } from './frame.js';

export interface FrameSink {
  /** One record; `frame` and its `data` are reused after the call returns. */
  frame(f: Frame): void;
  /** A problem with the capture itself (bad length, cut-off record, unknown block). */
  issue(i: DecodeIssue): void;
  /** An interface was described (pcapng IDB, pcap header, live device) or its stats changed. */
  interface(info: InterfaceInfo, fileIndex: number): void;
  /** TLS secrets embedded in the capture (pcapng DSB). */
  secrets(s: EmbeddedSecrets): void;
}

export type CaptureFormat = 'pcap' | 'pcap-ns' | 'pcapng' | 'netmon' | 'erf' | 'ngsniffer' | 'live' | 'unknown';

export interface SourceSummary {
  label: string;
  format: CaptureFormat;
  /** Records delivered (including undecodable ones). */
  frames: number;
  /** Bytes read from the underlying file (after decompression). */
  bytes: number;
  gzip: boolean;
  /** Whether reading stopped before the end because the file is broken beyond recovery. */
  truncated: boolean;
}

export interface CaptureSource {
  readonly label: string;
  readonly fileIndex: number;
  run(sink: FrameSink): Promise<SourceSummary>;
}
