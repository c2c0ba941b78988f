/**
 * A target with planted bugs, for the fuzzer's own test (fuzz-ci.test.ts), each behind a 4-byte
 * word: 'TYPE' throws a TypeError (a crash) when the input is longer than 8 bytes (minimization
 * must cut it to 9); 'RJCT' throws an error the target declares a clean rejection; 'HANG' loops for
 * ever; 'MEMO' keeps 150 MB alive; an input starting with 'X' throws from a second level reached
 * only when its second byte is ≥ 0xf0 too (found from the seed 'Za' by way of the corpus).
 */
export const files = [''];
export const maxLen = 4096;

class CleanRejection extends RangeError {}
export const expected = (e) => e instanceof CleanRejection;

const kept = [];
const word = (b) => (b.length >= 4 ? String.fromCharCode(b[0], b[1], b[2], b[3]) : '');

export function run(b) {
  switch (word(b)) {
    case 'TYPE':
      if (b.length > 8) null.crash;
      return;
    case 'RJCT':
      throw new CleanRejection('rejected');
    case 'HANG':
      for (;;);
    case 'MEMO':
      if (kept.length < 2) kept.push(new Uint8Array(150 << 20));
      return;
  }
  if (b[0] === 0x58) {
    if (b[1] >= 0xf0) throw new Error('second level');
  }
}
