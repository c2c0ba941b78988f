import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const FUZZ_DIR = fileURLToPath(new URL('..', import.meta.url));
export const REPO = join(FUZZ_DIR, '..', '..');
export const DIST_URL = pathToFileURL(join(REPO, 'dist')).href + '/';
