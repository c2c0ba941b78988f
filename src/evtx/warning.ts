/**
 * Trouble found while reading an event log: data, not an exception (the reader goes on past it).
 */
export interface EvtxWarning {
  readonly file: string;
  /** Byte offset in the file (for text XML: of the event's start), -1 when not tied to one. */
  readonly offset: number;
  readonly message: string;
}

export function warning(file: string, offset: number, message: string): EvtxWarning {
  return { file, offset, message };
}

export function formatWarning(w: EvtxWarning): string {
  return w.offset >= 0 ? `${w.file}: offset ${w.offset} (0x${w.offset.toString(16)}): ${w.message}` : `${w.file}: ${w.message}`;
}
