/** Public surface of the RDP decoders (re-exports only). */
export type * from './events.js';
export { RdpStreamDecoder, TLS_HANDSHAKE_BYTE, type RdpStreamDecoderOptions } from './rdp-decoder.js';
export { RdpPduDecoder, type RdpPduDecoderOptions } from './rdp-pdu-decoder.js';
export { RdpPduInterpreter, type InterpreterOptions } from './pdu-interpreter.js';
export * from './tpkt.js';
export * from './x224.js';
export * from './mcs.js';
export * from './gcc.js';
export * from './security.js';
export * from './licensing.js';
export * from './share.js';
export * from './early-auth.js';
export { isParseError, type ParseError } from './parse-error.js';
