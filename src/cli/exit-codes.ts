/** Process exit status (documented in the README). */
export const ExitCode = {
  HEALTHY: 0,
  FAILURE_DIAGNOSED: 1,
  USAGE: 2,
  UNREADABLE: 3,
} as const;
