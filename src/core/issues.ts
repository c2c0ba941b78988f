/**
 * Malformed input is data, not an exception: decoders report a DecodeIssue and go on.
 */
export type IssueSeverity = 'warning' | 'error';

export interface DecodeIssue {
  readonly type: 'analyzer.violation';
  /** Decoder that found the problem, e.g. 'pcapng', 'ipv4', 'tls', 'x224'. */
  readonly protocol: string;
  /** Wireshark frame number (1-based), 0 when not tied to a frame (file header). */
  readonly frame: number;
  /** Capture time in seconds (float), NaN when unknown. */
  readonly ts: number;
  /** Byte offset: in the file for capture readers, in the PDU/stream for decoders. */
  readonly offset: number;
  readonly message: string;
  readonly severity: IssueSeverity;
  /** Index of the file on the command line, when several were read. */
  readonly file?: string;
}

export function issue(
  protocol: string,
  frame: number,
  ts: number,
  offset: number,
  message: string,
  severity: IssueSeverity = 'warning',
): DecodeIssue {
  return { type: 'analyzer.violation', protocol, frame, ts, offset, message, severity };
}
