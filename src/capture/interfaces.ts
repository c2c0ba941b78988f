/**
 * The capture devices libpcap can open (pcap_findalldevs through node_pcap), for
 * `rdpdiag interfaces`. Same LIVE_UNAVAILABLE error as live capture when node_pcap is missing.
 */
import { ErrorCode, RdpdiagError } from '../core/errors.js';
import { loadPcap } from './live.js';

export interface InterfaceAddress {
  addr: string;
  netmask?: string;
  broadaddr?: string;
  dstaddr?: string;
}

export interface CaptureInterface {
  name: string;
  description?: string;
  /** IPv4 and IPv6 addresses only (node_pcap skips other families). */
  addresses: InterfaceAddress[];
  loopback: boolean;
}

export async function listInterfaces(): Promise<CaptureInterface[]> {
  const pcap = await loadPcap();
  let devices: ReturnType<typeof pcap.findalldevs>;
  try {
    devices = pcap.findalldevs();
  } catch (e) {
    throw new RdpdiagError(
      ErrorCode.LIVE_FAILED,
      `Cannot list capture interfaces: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  const out: CaptureInterface[] = [];
  for (const d of devices ?? []) {
    if (!d || typeof d.name !== 'string') continue;
    const addresses: InterfaceAddress[] = [];
    // node_pcap leaves holes in the array for non-IP families (AF_PACKET).
    for (const a of d.addresses ?? []) {
      if (!a || typeof a.addr !== 'string') continue;
      const addr: InterfaceAddress = { addr: a.addr };
      if (typeof a.netmask === 'string') addr.netmask = a.netmask;
      if (typeof a.broadaddr === 'string') addr.broadaddr = a.broadaddr;
      if (typeof a.dstaddr === 'string') addr.dstaddr = a.dstaddr;
      addresses.push(addr);
    }
    const iface: CaptureInterface = { name: d.name, addresses, loopback: d.flags === 'PCAP_IF_LOOPBACK' };
    if (typeof d.description === 'string') iface.description = d.description;
    out.push(iface);
  }
  return out;
}
