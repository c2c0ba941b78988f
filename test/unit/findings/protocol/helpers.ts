/**
 * Test helpers for the protocol-level finding rules: run the real pipeline (analyzeFiles →
 * buildContext → protocol rules) on a capture, and ask tshark (the oracle) for field values.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeFiles } from '../../../../src/analyze.js';
import { buildContext, type FindingContext } from '../../../../src/findings/context.js';
import { protocolRules } from '../../../../src/findings/rules/protocol.js';
import type { Finding } from '../../../../src/findings/types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(here, '../../../..');
export const LAB = path.join(REPO, 'captures', 'lab');
export const PUBLIC = path.resolve(REPO, '..', 'shared', 'captures', 'public');
export const AWAKE = path.join(PUBLIC, 'awakecoding__wireshark-rdp', 'captures');
export const TSHARK = '/usr/bin/tshark';
export const HAVE_TSHARK = existsSync(TSHARK);
export const HAVE_PUBLIC = existsSync(PUBLIC);
export const HAVE_LAB = existsSync(path.join(REPO, 'captures', 'manifest.json'));

export interface Run {
  ctx: FindingContext;
  findings: Finding[];
}

const cache = new Map<string, Promise<Run>>();

/** Runs the protocol rules on one capture (with optional key logs); cached per file+keys. */
export function run(file: string, keylogs: string[] = []): Promise<Run> {
  const key = [file, ...keylogs].join('|');
  let p = cache.get(key);
  if (!p) {
    p = (async () => {
      let out: Run | null = null;
      await analyzeFiles([file], {
        redact: false,
        keylogs,
        extend: [
          (_r, { engine, session }) => {
            const ctx = buildContext(engine, session, { captureDrops: null, files: [] });
            out = { ctx, findings: protocolRules.flatMap((r) => r.run(ctx)) };
          },
        ],
      });
      return out!;
    })();
    cache.set(key, p);
  }
  return p;
}

export function byId(r: Run, id: string): Finding[] {
  return r.findings.filter((f) => f.id === id);
}

/** tshark options decoding TCP 3389 as TLS (needed for TLS/CredSSP/RDP-inside-TLS fields, hides X.224). */
export const TLS3389 = ['-d', 'tcp.port==3389,tls'];

/** tshark -T fields rows (tab-split). */
export function tshark(file: string, filter: string, fields: string[], extra: string[] = []): string[][] {
  const out = execFileSync(TSHARK, ['-r', file, ...extra, '-Y', filter, '-T', 'fields', ...fields.flatMap((f) => ['-e', f])], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    maxBuffer: 64 << 20,
  });
  return out
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => l.split('\t'));
}

/** Frame numbers matching a display filter. */
export function frames(file: string, filter: string, extra: string[] = []): number[] {
  return tshark(file, filter, ['frame.number'], extra).map((r) => Number(r[0]));
}

/** tshark options to decrypt with a key log file. */
export function keylogOpt(keylog: string): string[] {
  return ['-o', `tls.keylog_file:${keylog}`];
}

export interface LabCapture {
  file: string;
  scenario: string;
  expectedCause: string;
  side: string;
  keylog?: string;
}

export function labManifest(): LabCapture[] {
  if (!HAVE_LAB) return [];
  const m = JSON.parse(readFileSync(path.join(REPO, 'captures', 'manifest.json'), 'utf8')) as { captures: LabCapture[] };
  return m.captures.filter((c) => existsSync(path.join(REPO, 'captures', c.file)));
}

export function labPath(rel: string): string {
  return path.join(REPO, 'captures', rel);
}

/** Findings that claim a failure cause with high confidence. */
export function highFailures(r: Run): Finding[] {
  return r.findings.filter((f) => f.confidence === 'high' && f.cause !== null && f.cause !== 'healthy');
}
