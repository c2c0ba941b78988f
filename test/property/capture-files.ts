/**
 * Small corpus captures covering each container variant the readers handle, shared by the
 * property tests (chunk-split invariance, truncation, lying lengths).
 */
import { join } from 'node:path';
import { CORPUS } from '../helpers/shared.js';

export interface Sample {
  name: string;
  path: string;
  kind: 'pcap' | 'pcapng';
}

const S = (name: string, rel: string, kind: Sample['kind']): Sample => ({ name, path: join(CORPUS, rel), kind });

export const SAMPLES: Sample[] = [
  S('pcap µs big-endian', 'arkime__arkime/tests/pcap/bigendian.pcap', 'pcap'),
  S('pcap ns little-endian', 'ajbanjara__Wireshark/uploads/__moin_import__/attachments/SampleCaptures/dhcp-nanosecond.pcap', 'pcap'),
  S('pcap ns linux-sll', 'the-tcpdump-group__tcpdump/tests/tcp-handshake-nano.pcap', 'pcap'),
  S('pcap µs little-endian (null link)', 'ntop__nDPI/tests/cfgs/default/pcap/rdp.pcap', 'pcap'),
  S('pcap µs little-endian (socks5 rdp)', 'arkime__arkime/tests/pcap/socks5-rdp.pcap', 'pcap'),
  S('pcapng le, 2 IDBs with different link types, 2 sections', 'google__gopacket/pcapgo/tests/le/test202.pcapng', 'pcapng'),
  S('pcapng be, 2 IDBs with different link types, 2 sections', 'google__gopacket/pcapgo/tests/be/test202.pcapng', 'pcapng'),
  S('pcapng le, several interfaces', 'zeek__zeek/testing/btest/Traces/pcapng-multi-interface.pcapng', 'pcapng'),
  S('pcapng be, SPB/custom blocks', 'google__gopacket/pcapgo/tests/be/test017.pcapng', 'pcapng'),
  S('pcapng le, RDP', 'awakecoding__wireshark-rdp/captures/rdp-no-nla-rejected1.pcapng', 'pcapng'),
];
