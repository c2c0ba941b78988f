/**
 * A concrete MTU / MSS recommendation from what a capture proves: the largest datagram seen to
 * pass and the size that vanished (or the MTU an ICMP message announced). Rounded down to a
 * multiple of 10, never below the protocol minimum (IPv4 576, IPv6 1280). Inferred.
 */
export interface MtuAdvice {
  recommendedMtu: number;
  recommendedMss: number;
  text: string;
}

export function mtuAdvice(v6: boolean, knownGood: number | null, failing: number | null, icmpMtu: number | null = null): MtuAdvice {
  const floor = v6 ? 1280 : 576;
  const hdr = v6 ? 60 : 40;
  let mtu: number;
  let basis: string;
  if (icmpMtu && icmpMtu >= 68) {
    mtu = icmpMtu;
    basis = `the next-hop MTU ${icmpMtu} announced by ICMP`;
  } else if (knownGood && knownGood > 0) {
    mtu = Math.max(floor, Math.floor(knownGood / 10) * 10);
    basis = `the largest datagram seen to pass (${knownGood} bytes)`;
  } else {
    mtu = floor;
    basis = `the IPv${v6 ? 6 : 4} minimum (no larger datagram is proven to pass)`;
  }
  if (failing && mtu >= failing) mtu = Math.max(floor, Math.floor((failing - 1) / 10) * 10);
  const mss = mtu - hdr;
  const fam = v6 ? 'ipv6' : 'ipv4';
  const text =
    `set the client's interface MTU to ${mtu} (Windows: \`netsh interface ${fam} set subinterface "<name>" mtu=${mtu} store=persistent\`; Linux: \`ip link set dev <if> mtu ${mtu}\`), ` +
    `or clamp the TCP MSS to ${mss} on the tunnel/VPN device (e.g. \`iptables -t mangle -A FORWARD -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --set-mss ${mss}\`) — based on ${basis}` +
    (failing ? `; ${failing}-byte datagrams are lost` : '') +
    (failing && (!icmpMtu || icmpMtu < 68) && knownGood && failing - knownGood > 40
      ? `. The real path MTU lies between ${knownGood} and ${failing - 1}: measure it (Windows \`ping -f -l <size> <server>\`, Linux \`ping -M do -s <size> <server>\`, size = MTU − 28) and use the largest that passes`
      : '');
  return { recommendedMtu: mtu, recommendedMss: mss, text };
}
