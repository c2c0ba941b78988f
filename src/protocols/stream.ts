/**
 * The contract between TCP/UDP reassembly and protocol decoders. Decoders know nothing
 * of TCP: they receive the bytes of one direction of a stream in order, with gap notices,
 * and report what they decode as events through a sink given at construction.
 *
 * Views passed to `push` are valid only during the call: a decoder that must keep bytes
 * (a PDU split across segments) copies them into a bounded buffer of its own.
 */
import type { DecodeIssue } from '../core/issues.js';

/** 0 = client → server (originator), 1 = server → client (responder). */
export type Dir = 0 | 1;

/** Where the bytes of a push came from: the Wireshark frame number and capture time. */
export interface ChunkInfo {
  readonly frame: number;
  readonly ts: number;
}

/** Every decoder event carries the frame that completed it and its capture time. */
export interface ProtoEventBase {
  readonly type: string;
  /** Frame in which the PDU was complete (Wireshark shows reassembled PDUs there). */
  readonly frame: number;
  /** Frame in which the PDU started, when it spans several segments. */
  readonly firstFrame?: number;
  readonly ts: number;
  readonly dir?: Dir;
  /** True when the PDU was read from decrypted TLS data. */
  readonly decrypted?: boolean;
}

export type Sink<E> = (event: E | DecodeIssue) => void;

export interface StreamDecoder {
  /** In-order bytes of direction `dir`; `data` is a view valid only during the call. */
  push(dir: Dir, data: Uint8Array, info: ChunkInfo): void;
  /** `length` bytes of direction `dir` are missing (not captured or lost). */
  gap(dir: Dir, length: number, info: ChunkInfo): void;
  /** The direction ended (FIN/RST) or the capture ended. */
  end(dir: Dir, info: ChunkInfo): void;
}

/** Datagram decoders (UDP): one payload at a time. */
export interface DatagramDecoder {
  datagram(dir: Dir, data: Uint8Array, info: ChunkInfo): void;
}

/** Largest PDU a stream decoder buffers before declaring the stream unparseable. */
export const MAX_PDU_BUFFER = 1 << 20;
