/**
 * A captured record as every source delivers it. One Frame object is reused per source:
 * `data` is a view into the reader's buffer, valid until the next frame is delivered.
 */
export interface Frame {
  /** Wireshark frame number within its file: 1-based, every record counted. */
  index: number;
  /** Index of the source in the command line (0-based). */
  fileIndex: number;
  /** Capture time: whole seconds since the epoch and nanoseconds within the second. */
  tsSec: number;
  tsNsec: number;
  /** Capture time as float seconds (tsSec + tsNsec/1e9); NaN when the record has none (SPB). */
  ts: number;
  /** Bytes captured (data.length) and bytes on the wire. */
  caplen: number;
  origLen: number;
  /** LINKTYPE_* value of the interface this record came from. */
  linkType: number;
  /** Interface id within the section (pcapng), 0 otherwise. */
  ifIndex: number;
  /** pcapng epb_flags direction: 0 unknown, 1 inbound, 2 outbound. */
  direction: number;
  data: Uint8Array;
}

export function newFrame(): Frame {
  return {
    index: 0,
    fileIndex: 0,
    tsSec: 0,
    tsNsec: 0,
    ts: 0,
    caplen: 0,
    origLen: 0,
    linkType: 1,
    ifIndex: 0,
    direction: 0,
    data: new Uint8Array(0),
  };
}

/** Per-interface facts a source learned (pcapng IDB/ISB, pcap header, live stats). */
export interface InterfaceInfo {
  id: number;
  linkType: number;
  snaplen: number;
  name?: string;
  /** Packets the interface/OS dropped (pcapng ISB isb_ifdrop/isb_osdrop, live ps_drop). */
  dropped?: number;
  received?: number;
}

/** A TLS key log text found inside the capture (pcapng Decryption Secrets Block). */
export interface EmbeddedSecrets {
  /** Frame number of the next packet after the block: secrets apply from there on. */
  fromFrame: number;
  fileIndex: number;
  /** NSS key log text. */
  text: string;
}
