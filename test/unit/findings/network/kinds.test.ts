/** Every finding kind of the network rules has a unique dotted id, a docs page and a sane rank/cause. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { networkRules } from '../../../../src/findings/rules/network.js';
import { ROOT_CAUSES } from '../../../../src/findings/types.js';
import { REPO } from '../../../helpers/shared.js';

describe('network finding kinds', () => {
  const kinds = networkRules.flatMap((r) => r.kinds);
  it('ids are unique and documented in docs/findings/<id>.md', () => {
    expect(new Set(kinds.map((k) => k.id)).size).toBe(kinds.length);
    for (const k of kinds) {
      expect(k.id).toMatch(/^[a-z]+\.[a-z0-9-]+$/);
      expect(existsSync(join(REPO, k.doc)), k.doc).toBe(true);
      if (k.cause !== null) expect(ROOT_CAUSES).toContain(k.cause);
      else expect(k.rank).toBeGreaterThanOrEqual(50);
    }
  });
});
