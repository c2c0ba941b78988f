/**
 * TLS secrets from --keylog files and pcapng Decryption Secrets Blocks, matched to
 * connections by client random. Secrets themselves never leave this module.
 */
import { readFileSync } from 'node:fs';
import { ErrorCode, RdpdiagError } from '../core/errors.js';
import type { EmbeddedSecrets } from '../capture/frame.js';
import { createDecryptorFactory } from '../protocols/tls/decrypt/factory.js';
import { SecretStore } from '../protocols/tls/decrypt/keylog.js';
import type { DecryptorFactory } from '../protocols/tls/decrypt/types.js';

export interface SecretSourceSummary {
  origin: string;
  added: number;
  badLines: number;
}

export class Secrets {
  readonly store = new SecretStore();
  readonly factory: DecryptorFactory = createDecryptorFactory(this.store);
  readonly sources: SecretSourceSummary[] = [];

  addKeyLogFile(path: string): void {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      throw new RdpdiagError(ErrorCode.KEYLOG_UNREADABLE, `${path}: cannot read key log (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, path);
    }
    const r = this.store.addText(text, `keylog:${path}`, 0);
    this.sources.push({ origin: `keylog:${path}`, added: r.added, badLines: r.issues.length });
  }

  addEmbedded(s: EmbeddedSecrets): void {
    const origin = `pcapng-dsb:file${s.fileIndex}:frame${s.fromFrame}`;
    const r = this.store.addText(s.text, origin, s.fromFrame);
    this.sources.push({ origin, added: r.added, badLines: r.issues.length });
  }

  get size(): number {
    return this.store.size;
  }
}
