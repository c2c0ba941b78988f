/**
 * Operational errors (the environment, not the data): each has a stable code.
 * Malformed captures are not errors (see issues.ts); bugs throw ordinary Errors.
 */
export const ErrorCode = {
  FILE_NOT_FOUND: 'E_FILE_NOT_FOUND',
  FILE_UNREADABLE: 'E_FILE_UNREADABLE',
  NOT_A_CAPTURE: 'E_NOT_A_CAPTURE',
  LIVE_UNAVAILABLE: 'E_LIVE_UNAVAILABLE',
  LIVE_PERMISSION: 'E_LIVE_PERMISSION',
  LIVE_FAILED: 'E_LIVE_FAILED',
  BAD_ARGUMENT: 'E_BAD_ARGUMENT',
  KEYLOG_UNREADABLE: 'E_KEYLOG_UNREADABLE',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export class RdpdiagError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly file?: string,
  ) {
    super(message);
    this.name = 'RdpdiagError';
  }
}
