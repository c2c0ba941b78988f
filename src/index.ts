/** rdpdiag's public API (re-exports only). */
export { analyzeFiles, analyzeSources, VERSION, type AnalyzeOptions } from './analyze.js';
export { FileSource } from './capture/file-source.js';
export type { CaptureSource, FrameSink, SourceSummary } from './capture/source.js';
export type { Frame } from './capture/frame.js';
export { REPORT_SCHEMA, type Report, type ConnectionReport } from './report/model.js';
export { renderText } from './report/terminal.js';
export { explain } from './codes/explain.js';
export { parseFailedAt } from './findings/failed-at.js';
export { ROOT_CAUSES, type RootCause, type Finding } from './findings/types.js';
export type { Verdict } from './findings/verdict.js';
export { RdpdiagError, ErrorCode } from './core/errors.js';
