/**
 * Wires the stages together: capture sources → traffic engine → session layer → report.
 * The only async work is reading sources; everything per frame is a synchronous push.
 */
import type { DecodeIssue } from './core/issues.js';
import type { EmbeddedSecrets, Frame, InterfaceInfo } from './capture/frame.js';
import { FileSource } from './capture/file-source.js';
import type { CaptureSource, FrameSink, SourceSummary } from './capture/source.js';
import { TrafficEngine, type EngineHooks } from './reassembly/engine.js';
import { buildCapture, buildConnection, buildFragments, buildIcmp } from './report/build-capture.js';
import { REPORT_SCHEMA, type Report } from './report/model.js';
import { icmpLabel } from './report/icmp-label.js';

export const VERSION = '0.1.0';

export interface AnalyzeOptions {
  /** Session layer to plug into the engine (protocol decoders, state machines). */
  session?: SessionLayer;
  /** Called for each frame before the engine sees it (tests, live progress). */
  onFrame?: (f: Frame) => void;
}

/** What the session layer provides to the pipeline. */
export interface SessionLayer {
  hooks: EngineHooks;
  secrets(s: EmbeddedSecrets): void;
  /** Adds its parts to the report (connection fields, events, findings). */
  complete(report: Report, engine: TrafficEngine): void;
}

export async function analyzeSources(sources: CaptureSource[], options: AnalyzeOptions = {}): Promise<Report> {
  const session = options.session;
  const engine = new TrafficEngine(session?.hooks ?? {});
  const interfaces: { file: string; info: InterfaceInfo }[] = [];
  const summaries: SourceSummary[] = [];
  const fileLabels: string[] = [];
  for (const src of sources) {
    fileLabels[src.fileIndex] = src.label;
    const label = src.label;
    const sink: FrameSink = {
      frame: options.onFrame
        ? (f) => {
            options.onFrame!(f);
            engine.frame(f);
          }
        : (f) => engine.frame(f),
      issue: (i: DecodeIssue) => engine.report(i),
      interface: (info: InterfaceInfo) => {
        const existing = interfaces.find((x) => x.file === label && x.info.id === info.id);
        if (existing) existing.info = { ...info };
        else interfaces.push({ file: label, info: { ...info } });
      },
      secrets: (s: EmbeddedSecrets) => session?.secrets(s),
    };
    summaries.push(await src.run(sink));
  }
  engine.finish();
  const report: Report = {
    schema: REPORT_SCHEMA,
    tool: { name: 'rdpdiag', version: VERSION },
    capture: buildCapture(engine, summaries, interfaces),
    connections: engine.flows.all.map((c) => buildConnection(c, fileLabels[c.fileIndex] ?? '')),
    fragments: buildFragments(engine),
    icmp: buildIcmp(engine, icmpLabel),
  };
  session?.complete(report, engine);
  return report;
}

export async function analyzeFiles(paths: string[], options: AnalyzeOptions = {}): Promise<Report> {
  return analyzeSources(
    paths.map((p, i) => new FileSource(p, i)),
    options,
  );
}
