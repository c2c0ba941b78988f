/**
 * How the RDP parsers report malformed input without throwing: a parse function returns
 * either its value or a ParseError (message + byte offset inside the buffer it was given).
 */
export interface ParseError {
  readonly error: string;
  /** Offset in the buffer passed to the parser. */
  readonly offset: number;
}

export function parseError(error: string, offset: number): ParseError {
  return { error, offset };
}

export function isParseError(x: unknown): x is ParseError {
  return typeof x === 'object' && x !== null && typeof (x as ParseError).error === 'string';
}
