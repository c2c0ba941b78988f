/** MCS Disconnect Provider Ultimatum reasons (T.125). MS-RDPBCGR 2.2.2.3. */
import { defineTable, type CodeEntry, type CodeInfo } from './table.js';

const SRC = 'MS-RDPBCGR 2.2.2.3; T.125, FreeRDP mcs.c';

export const DPU_REASONS = [
  { code: 0, name: 'rn-domain-disconnected', meaning: 'The MCS domain was disconnected.', verified: true, source: SRC },
  { code: 1, name: 'rn-provider-initiated', meaning: 'The provider (normally the server) ended the connection; Windows servers send this on administrative or error disconnects.', verified: true, source: SRC },
  { code: 2, name: 'rn-token-purged', meaning: 'A token was purged.', verified: true, source: SRC },
  { code: 3, name: 'rn-user-requested', meaning: 'The user/client chose to disconnect (normal close by mstsc and FreeRDP).', verified: true, source: SRC },
  { code: 4, name: 'rn-channel-purged', meaning: 'A channel was purged.', verified: true, source: SRC },
] as const satisfies readonly CodeEntry[];

export const dpuReasonTable = defineTable({
  id: 'dpu-reason',
  title: 'MCS Disconnect Provider Ultimatum reason',
  section: '4.11',
  entries: DPU_REASONS,
  hexDigits: 0,
  radix: 'dec',
  fallbackName: (c) => `rn-unknown-${c} (unknown)`,
});

export function dpuReason(code: number): CodeInfo {
  return dpuReasonTable.lookup(code);
}
