/** Short labels for ICMP errors in reports (full tables live in src/codes). */
const V4: Record<number, string> = { 3: 'destination unreachable', 5: 'redirect', 11: 'time exceeded', 12: 'parameter problem' };
const V4_UNREACH: Record<number, string> = {
  0: 'net unreachable', 1: 'host unreachable', 2: 'protocol unreachable', 3: 'port unreachable', 4: 'fragmentation needed (DF set)',
  9: 'network administratively prohibited', 10: 'host administratively prohibited', 13: 'communication administratively prohibited',
};
const V6: Record<number, string> = { 1: 'destination unreachable', 2: 'packet too big', 3: 'time exceeded', 4: 'parameter problem' };

export function icmpLabel(v6: boolean, type: number, code: number): string {
  if (!v6) {
    if (type === 3) return V4_UNREACH[code] ?? `destination unreachable (code ${code})`;
    if (type === 11) return code === 1 ? 'fragment reassembly time exceeded' : 'TTL exceeded in transit';
    return V4[type] ?? `ICMP type ${type} code ${code}`;
  }
  if (type === 3) return code === 1 ? 'fragment reassembly time exceeded' : 'hop limit exceeded in transit';
  if (type === 1) return code === 1 ? 'administratively prohibited' : code === 4 ? 'port unreachable' : code === 3 ? 'address unreachable' : 'no route';
  return V6[type] ?? `ICMPv6 type ${type} code ${code}`;
}
