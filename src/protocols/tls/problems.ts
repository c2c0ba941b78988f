/**
 * Non-fatal problems found while parsing one TLS structure: the parser keeps what it could
 * read and lists what was wrong, with the byte offset inside the structure it was given.
 * The stream decoder turns each into a DecodeIssue with the stream offset.
 */
export interface ParseProblem {
  /** Offset inside the buffer handed to the parser. */
  readonly offset: number;
  readonly message: string;
}

/** Result of a structure parser: the value, or why the structure as a whole is unusable. */
export type ParseResult<T> =
  | { readonly ok: true; readonly value: T; readonly problems: readonly ParseProblem[] }
  | { readonly ok: false; readonly offset: number; readonly message: string };

export function fail<T>(offset: number, message: string): ParseResult<T> {
  return { ok: false, offset, message };
}

export function success<T>(value: T, problems: readonly ParseProblem[] = []): ParseResult<T> {
  return { ok: true, value, problems };
}
