/**
 * Binary XML, the encoding of an EVTX event (MS-EVEN6 2.2.12 "BinXml", with the chunk-level
 * name and template sharing described in libevtx's EVTX format notes): a token stream of
 * elements, attributes, text, entity and character references, and template instances. A
 * template instance names a template definition (a token stream with numbered substitution
 * slots, written once per chunk and referred to by its chunk offset) and carries the array of
 * values for its slots; a value of type BinXml is itself a Binary XML fragment. Names are
 * strings stored once per chunk and referred to by offset.
 *
 * Definitions are parsed once per chunk into trees with substitution placeholders and cached by
 * offset; each record instantiates its template with its own values. Offsets are chunk-relative.
 * Malformed input raises BinXmlError (caught per record by the chunk reader, never past it).
 */
import { readUtf16, renderItems, renderValue, ValueType } from './values.js';

export interface XmlAttr {
  readonly name: string;
  readonly value: string;
}
export interface XmlElement {
  readonly name: string;
  readonly attrs: XmlAttr[];
  readonly children: XmlNode[];
}
export type XmlNode = XmlElement | string;

export class BinXmlError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
  }
}

/** A substitution slot of a template definition. */
interface Slot {
  readonly slot: number;
  readonly optional: boolean;
}
type Part = string | Slot;
interface TAttr {
  readonly name: string;
  readonly parts: Part[];
}
interface TElement {
  readonly name: string;
  readonly attrs: TAttr[];
  readonly children: TNode[];
}
/** Nodes already instantiated (a template instance inside a stream or definition). */
interface Done {
  readonly done: XmlNode[];
}
type TNode = TElement | string | Slot | Done;

interface Value {
  readonly type: number;
  readonly off: number;
  readonly len: number;
}

const Token = {
  EOF: 0x00,
  OpenStartElement: 0x01,
  CloseStartElement: 0x02,
  CloseEmptyElement: 0x03,
  EndElement: 0x04,
  Value: 0x05,
  Attribute: 0x06,
  CDataSection: 0x07,
  CharRef: 0x08,
  EntityRef: 0x09,
  PITarget: 0x0a,
  PIData: 0x0b,
  TemplateInstance: 0x0c,
  NormalSubstitution: 0x0d,
  OptionalSubstitution: 0x0e,
  FragmentHeader: 0x0f,
  /** Flag on OpenStartElement/Value/Attribute/CDATA/CharRef/EntityRef ("more follows" / "has attributes"). */
  More: 0x40,
} as const;

/** Names and templates live after the 512-byte chunk header. */
const CHUNK_HEADER_BYTES = 512;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const MAX_DEPTH = 64;

function isSlot(n: TNode | Part): n is Slot {
  return typeof n === 'object' && 'slot' in n;
}

/**
 * Parser state of one chunk: its bytes and the names and template definitions seen in it.
 * A new chunk gets a new ChunkParser (names and templates never cross chunks).
 */
export class ChunkParser {
  private readonly v: DataView;
  private readonly names = new Map<number, string>();
  private readonly templates = new Map<number, TNode[]>();
  private depth = 0;
  /** Template definitions being parsed (start offsets). */
  private readonly parsing = new Set<number>();
  /** Values that did not fit their type, in the record being parsed (shown as hex, reported). */
  badValues = 0;

  constructor(readonly b: Uint8Array) {
    this.v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }

  /** The elements of the Binary XML fragment b[start, end) with every template instantiated. */
  parseFragment(start: number, end: number): XmlNode[] {
    this.badValues = 0;
    this.depth = 0;
    this.parsing.clear();
    const out: TNode[] = [];
    this.parseStream(start, end, out);
    return this.instantiate(out, []);
  }

  private u8(p: number, end: number): number {
    if (p + 1 > end) throw new BinXmlError('Binary XML cut off', p);
    return this.b[p]!;
  }
  private u16(p: number, end: number): number {
    if (p + 2 > end) throw new BinXmlError('Binary XML cut off', p);
    return this.v.getUint16(p, true);
  }
  private u32(p: number, end: number): number {
    if (p + 4 > end) throw new BinXmlError('Binary XML cut off', p);
    return this.v.getUint32(p, true);
  }

  /**
   * Whether a name string (next offset u32, hash u16, count u16, UTF-16, NUL) sits at `off`: after
   * the chunk header, NUL-terminated, and its hash (h = h·65599 + code unit, low 16 bits) matching.
   */
  private nameFits(off: number): boolean {
    if (this.names.has(off)) return true;
    if (off < CHUNK_HEADER_BYTES || off + 8 > this.b.length) return false;
    const count = this.v.getUint16(off + 6, true);
    const endNul = off + 8 + 2 * count;
    if (endNul + 2 > this.b.length || this.b[endNul] !== 0 || this.b[endNul + 1] !== 0) return false;
    let h = 0;
    for (let i = off + 8; i < endNul; i += 2) h = (Math.imul(h, 65599) + this.v.getUint16(i, true)) >>> 0;
    return (h & 0xffff) === this.v.getUint16(off + 4, true);
  }

  /** The name at chunk offset `off`; returns the position after it when it is written in place at `here`. */
  private name(off: number, here: number): { name: string; next: number } {
    let name = this.names.get(off);
    if (name === undefined) {
      if (!this.nameFits(off)) throw new BinXmlError(`bad name offset ${off}`, here);
      const count = this.v.getUint16(off + 6, true);
      name = readUtf16(this.b, off + 8, 2 * count);
      this.names.set(off, name);
    }
    if (off === here) return { name, next: here + 10 + 2 * this.v.getUint16(off + 6, true) };
    return { name, next: here };
  }

  /** Top-level tokens up to EOF or `end`: fragment headers, elements, template instances. */
  private parseStream(p: number, end: number, out: TNode[]): number {
    while (p < end) {
      const t = this.b[p]!;
      const base = t & ~Token.More;
      if (t === Token.EOF) return p + 1;
      if (t === Token.FragmentHeader) {
        p += 4;
      } else if (base === Token.OpenStartElement) {
        p = this.parseElement(p, end, out);
      } else if (t === Token.TemplateInstance) {
        p = this.parseTemplateInstance(p, end, out);
      } else if (base === Token.Value || t === Token.NormalSubstitution || t === Token.OptionalSubstitution) {
        // A fragment that is text only (seen in nested BinXml values).
        p = this.parseContentToken(p, end, out);
      } else {
        throw new BinXmlError(`unexpected token 0x${t.toString(16)}`, p);
      }
    }
    return p;
  }

  private parseElement(p: number, end: number, out: TNode[]): number {
    if (++this.depth > MAX_DEPTH) throw new BinXmlError('elements nested too deep', p);
    const hasAttrs = (this.b[p]! & Token.More) !== 0;
    // Dependency identifier (u16), data size (u32), name offset (u32). Some writers leave out the
    // dependency identifier: then the name offset is found 2 bytes earlier.
    let q = p + 1;
    let nameOff = this.u32(q + 6, end);
    if (!((nameOff === q + 10 || nameOff < q) && this.nameFits(nameOff))) {
      const alt = this.u32(q + 4, end);
      if ((alt === q + 8 || alt < q) && this.nameFits(alt)) {
        nameOff = alt;
        q -= 2;
      }
    }
    const named = this.name(nameOff, q + 10);
    q = named.next;
    const el: TElement = { name: named.name, attrs: [], children: [] };
    if (hasAttrs) {
      q += 4; // attribute list size
      for (;;) {
        const t = this.u8(q, end);
        if ((t & ~Token.More) !== Token.Attribute) break;
        const an = this.name(this.u32(q + 1, end), q + 5);
        q = an.next;
        const parts: TNode[] = [];
        q = this.parseContent(q, end, parts, true);
        el.attrs.push({ name: an.name, parts: parts as Part[] });
      }
    }
    const close = this.u8(q, end);
    q++;
    if (close === Token.CloseEmptyElement) {
      // nothing inside
    } else if (close === Token.CloseStartElement) {
      q = this.parseContent(q, end, el.children, false);
      if (this.u8(q, end) !== Token.EndElement) throw new BinXmlError(`element ${el.name} not closed`, q);
      q++;
    } else {
      throw new BinXmlError(`unexpected token 0x${close.toString(16)} after the start of ${el.name}`, q - 1);
    }
    out.push(el);
    this.depth--;
    return q;
  }

  /**
   * Content tokens (text, references, substitutions, and — unless in an attribute — child elements,
   * CDATA, processing instructions, template instances) until a token that ends the content.
   */
  private parseContent(p: number, end: number, out: TNode[], inAttr: boolean): number {
    while (p < end) {
      const t = this.b[p]!;
      const base = t & ~Token.More;
      if (base === Token.Value || base === Token.CharRef || base === Token.EntityRef || t === Token.NormalSubstitution || t === Token.OptionalSubstitution) {
        p = this.parseContentToken(p, end, out);
      } else if (inAttr) {
        return p;
      } else if (base === Token.OpenStartElement) {
        p = this.parseElement(p, end, out);
      } else if (base === Token.CDataSection) {
        const n = this.u16(p + 1, end);
        if (p + 3 + 2 * n > end) throw new BinXmlError('CDATA cut off', p);
        out.push(readUtf16(this.b, p + 3, 2 * n));
        p += 3 + 2 * n;
      } else if (t === Token.PITarget) {
        p = this.name(this.u32(p + 1, end), p + 5).next;
      } else if (t === Token.PIData) {
        const n = this.u16(p + 1, end);
        p += 3 + 2 * n;
      } else if (t === Token.TemplateInstance) {
        p = this.parseTemplateInstance(p, end, out);
      } else {
        return p;
      }
    }
    return p;
  }

  private parseContentToken(p: number, end: number, out: TNode[]): number {
    const t = this.b[p]!;
    const base = t & ~Token.More;
    if (base === Token.Value) {
      const type = this.u8(p + 1, end);
      if (type !== ValueType.String) throw new BinXmlError(`value token of type 0x${type.toString(16)}`, p);
      const n = this.u16(p + 2, end);
      if (p + 4 + 2 * n > end) throw new BinXmlError('value cut off', p);
      out.push(readUtf16(this.b, p + 4, 2 * n));
      return p + 4 + 2 * n;
    }
    if (base === Token.CharRef) {
      out.push(String.fromCharCode(this.u16(p + 1, end)));
      return p + 3;
    }
    if (base === Token.EntityRef) {
      const n = this.name(this.u32(p + 1, end), p + 5);
      out.push(ENTITIES[n.name] ?? `&${n.name};`);
      return n.next;
    }
    // Normal or optional substitution: slot number (u16), value type (u8).
    out.push({ slot: this.u16(p + 1, end), optional: t === Token.OptionalSubstitution });
    this.u8(p + 3, end);
    return p + 4;
  }

  /** A template instance: its definition (in place or by offset) and its substitution values, instantiated. */
  private parseTemplateInstance(p: number, end: number, out: TNode[]): number {
    const defOff = this.u32(p + 6, end);
    let q = p + 10;
    let def = this.templates.get(defOff);
    if (defOff === q) {
      const size = this.u32(q + 20, end);
      const bodyEnd = q + 24 + size;
      if (bodyEnd > end) throw new BinXmlError('template definition cut off', q);
      if (def === undefined) def = this.parseDefinition(q + 24, bodyEnd);
      q = bodyEnd;
    } else if (def === undefined) {
      if (defOff + 24 > this.b.length) throw new BinXmlError(`template offset ${defOff} outside the chunk`, p);
      const size = this.v.getUint32(defOff + 20, true);
      if (defOff + 24 + size > this.b.length) throw new BinXmlError(`template at ${defOff} runs past the chunk`, p);
      def = this.parseDefinition(defOff + 24, defOff + 24 + size);
    }
    this.templates.set(defOff, def);
    const count = this.u32(q, end);
    q += 4;
    if (count > (end - q) / 4) throw new BinXmlError(`${count} substitution values cannot fit`, q - 4);
    const values: Value[] = [];
    let vp = q + 4 * count;
    for (let i = 0; i < count; i++) {
      const len = this.v.getUint16(q + 4 * i, true);
      const type = this.b[q + 4 * i + 2]!;
      if (vp + len > end) throw new BinXmlError(`substitution value ${i} runs past the record`, vp);
      values.push({ type, off: vp, len });
      vp += len;
    }
    out.push({ done: this.instantiate(def, values) });
    return vp;
  }

  private parseDefinition(start: number, end: number): TNode[] {
    // A definition that (through a nested instance) refers to itself would never end.
    if (this.parsing.has(start)) throw new BinXmlError('template definition refers to itself', start);
    if (++this.depth > MAX_DEPTH) throw new BinXmlError('templates nested too deep', start);
    this.parsing.add(start);
    const out: TNode[] = [];
    try {
      this.parseStream(start, end, out);
    } finally {
      this.parsing.delete(start);
    }
    this.depth--;
    return out;
  }

  private valueNodes(val: Value | undefined, out: XmlNode[]): void {
    if (val === undefined || val.type === ValueType.Null || val.len === 0) return;
    if (val.type === ValueType.BinXml) {
      if (++this.depth > MAX_DEPTH) throw new BinXmlError('BinXml values nested too deep', val.off);
      const inner: TNode[] = [];
      const saved = this.depth;
      this.parseStream(val.off, val.off + val.len, inner);
      this.depth = saved - 1;
      for (const n of this.instantiate(inner, [])) out.push(n);
      return;
    }
    out.push(this.valueText(val));
  }

  private valueText(val: Value): string {
    if (val.type === ValueType.Null) return '';
    if (val.type === ValueType.BinXml) {
      const nodes: XmlNode[] = [];
      this.valueNodes(val, nodes);
      return nodes.map(textOf).join('');
    }
    const s = renderValue(this.b, this.v, val.type, val.off, val.len);
    if (s !== null) return s;
    this.badValues++;
    return renderValue(this.b, this.v, ValueType.Binary, val.off, val.len) ?? '';
  }

  private instantiate(nodes: TNode[], values: Value[]): XmlNode[] {
    const out: XmlNode[] = [];
    for (const n of nodes) {
      if (typeof n === 'string') out.push(n);
      else if (isSlot(n)) this.valueNodes(values[n.slot], out);
      else if ('done' in n) for (const d of n.done) out.push(d);
      else this.instantiateElement(n, values, out);
    }
    return out;
  }

  /**
   * An element with its slots filled. An element whose only content is an array value is repeated
   * once per item, as Windows renders it (`<Data>a</Data><Data>b</Data>`).
   */
  private instantiateElement(el: TElement, values: Value[], out: XmlNode[]): void {
    const only = el.children.length === 1 ? el.children[0]! : null;
    if (only !== null && isSlot(only)) {
      const val = values[only.slot];
      if (val !== undefined && (val.type & ValueType.ArrayFlag) !== 0 && val.len > 0) {
        const items = renderItems(this.b, this.v, val.type, val.off, val.len);
        if (items !== null) {
          const attrs = this.attrs(el, values);
          for (const item of items) out.push({ name: el.name, attrs, children: [item] });
          return;
        }
      }
    }
    out.push({ name: el.name, attrs: this.attrs(el, values), children: this.instantiate(el.children, values) });
  }

  private attrs(el: TElement, values: Value[]): XmlAttr[] {
    const attrs: XmlAttr[] = [];
    for (const a of el.attrs) {
      let s = '';
      let allOptionalEmpty = a.parts.length > 0;
      for (const part of a.parts) {
        if (typeof part === 'string') {
          s += part;
          allOptionalEmpty = false;
        } else {
          const val = values[part.slot];
          const empty = val === undefined || val.type === ValueType.Null || val.len === 0;
          if (!(part.optional && empty)) allOptionalEmpty = false;
          if (val !== undefined) s += this.valueText(val);
        }
      }
      // Windows leaves out an attribute whose optional substitution has no value.
      if (!allOptionalEmpty) attrs.push({ name: a.name, value: s });
    }
    return attrs;
  }
}

/** The text content of a node (concatenated text of its descendants). */
export function textOf(n: XmlNode): string {
  if (typeof n === 'string') return n;
  let s = '';
  for (const c of n.children) s += textOf(c);
  return s;
}
