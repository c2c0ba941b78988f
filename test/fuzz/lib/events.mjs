/**
 * The sink every decoder target gives its decoder: an event must be an object with a type (or a
 * DecodeIssue with a message) and frame/offset numbers that are finite; anything else is a
 * finding (thrown from here, so the stack names the decoder that emitted it).
 */
export class BadEvent extends Error {
  constructor(msg) {
    super(msg);
    this.name = 'BadEvent';
  }
}

export function checkEvent(e) {
  if (e === null || typeof e !== 'object') throw new BadEvent(`event is ${e === null ? 'null' : typeof e}`);
  if (typeof e.type !== 'string' && typeof e.message !== 'string') throw new BadEvent('event without type or message');
  if (typeof e.message === 'string' && e.offset !== undefined && !Number.isFinite(e.offset)) throw new BadEvent(`issue offset ${e.offset}`);
  if (e.frame !== undefined && !Number.isFinite(e.frame)) throw new BadEvent(`event frame ${e.frame}`);
}
