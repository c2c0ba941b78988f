/**
 * Where the shared public corpus lives, and whether the tools the oracle tests need are here.
 * Tests that need them skip with a message instead of failing on a machine without them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SHARED = resolve(REPO, '..', 'shared');
export const CORPUS = join(SHARED, 'captures', 'public');
export const HAVE_CORPUS = existsSync(join(CORPUS, 'manifest.json'));
export const TSHARK = '/usr/bin/tshark';
export const HAVE_TSHARK = existsSync(TSHARK);

if (!HAVE_CORPUS) console.warn(`[skip] ../shared/captures/public not found at ${CORPUS}: corpus tests are skipped`);
if (!HAVE_TSHARK) console.warn('[skip] tshark not installed: oracle tests are skipped (apt-get install tshark)');

export interface CorpusEntry {
  local: string;
  format: string;
  linktype: string;
  packets: string | null;
  category: string;
  summary: string;
  note: string;
  dup_of: string | null;
  baselines: string[];
}

export function corpusEntries(): CorpusEntry[] {
  if (!HAVE_CORPUS) return [];
  const m = JSON.parse(readFileSync(join(CORPUS, 'manifest.json'), 'utf8')) as { captures: CorpusEntry[] };
  return m.captures;
}

export function corpusPath(local: string): string {
  return join(CORPUS, local);
}
