/** Names of the LINKTYPE_* values a report may mention. */
const NAMES: Record<number, string> = {
  [-1]: 'non-packet record',
  0: 'NULL (BSD loopback)',
  1: 'Ethernet',
  9: 'PPP',
  12: 'raw IP (DLT 12)',
  14: 'raw IP (DLT 14)',
  101: 'raw IP',
  105: 'IEEE 802.11',
  108: 'OpenBSD loopback',
  113: 'Linux cooked (SLL)',
  127: 'IEEE 802.11 radiotap',
  228: 'raw IPv4',
  229: 'raw IPv6',
  276: 'Linux cooked v2 (SLL2)',
};

export function linkTypeName(t: number): string {
  return NAMES[t] ?? `LINKTYPE ${t}`;
}
