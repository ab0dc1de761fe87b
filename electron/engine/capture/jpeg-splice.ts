/**
 * Puts a small picture (the evidence header) above a baseline JPEG without decoding the JPEG's pixels.
 *
 * Decoding and re-encoding a full-page screenshot costs most of a capture's CPU; here only the header is
 * transformed (colour conversion, DCT, quantisation with the page's own tables) and the page's entropy-coded
 * data is re-coded symbol by symbol with Huffman tables fitted to header and page together (the browser's tables
 * are fitted to the page alone and may lack symbols the header needs). The page's coefficients, and so its
 * pixels, are untouched.
 */

export class SpliceUnsupported extends Error {}

interface Component {
  id: number;
  h: number;
  v: number;
  tq: number;
  /** Huffman table ids from the scan header. */
  td: number;
  ta: number;
}

interface HuffmanDecoder {
  /** Index by the next 9 bits: (code length << 8) | symbol, or 0 when the code is longer than 9 bits. */
  fast: Uint16Array;
  maxcode: Int32Array;
  valptr: Int32Array;
  mincode: Int32Array;
  values: Uint8Array;
}

interface ParsedJpeg {
  width: number;
  height: number;
  components: Component[];
  quant: Map<number, Uint16Array>;
  huffman: Map<number, { counts: Uint8Array; values: Uint8Array }>;
  /** Entropy-coded data of the (single) scan, still byte-stuffed. */
  scanStart: number;
  scanEnd: number;
  /** Every marker segment before SOS except DHT, copied as they are (APPn, DQT, SOF0, ...). */
  keep: Buffer[];
  sos: Buffer;
}

const FAST_BITS = 9;

function parse(data: Buffer): ParsedJpeg {
  if (data[0] !== 0xff || data[1] !== 0xd8) throw new SpliceUnsupported('not a JPEG');
  const quant = new Map<number, Uint16Array>();
  const huffman = new Map<number, { counts: Uint8Array; values: Uint8Array }>();
  const keep: Buffer[] = [];
  let width = 0;
  let height = 0;
  let sawFrame = false;
  let components: Component[] = [];
  let i = 2;
  while (i + 4 <= data.length) {
    if (data[i] !== 0xff) throw new SpliceUnsupported('corrupt marker structure');
    const marker = data[i + 1];
    if (marker === 0xff) {
      i++;
      continue;
    }
    const len = data.readUInt16BE(i + 2);
    const seg = data.subarray(i, i + 2 + len);
    const body = data.subarray(i + 4, i + 2 + len);
    if (marker === 0xc0) {
      if (body[0] !== 8) throw new SpliceUnsupported('only 8-bit JPEGs');
      sawFrame = true;
      height = body.readUInt16BE(1);
      width = body.readUInt16BE(3);
      const n = body[5];
      components = [];
      for (let c = 0; c < n; c++) {
        const at = 6 + c * 3;
        components.push({ id: body[at], h: body[at + 1] >> 4, v: body[at + 1] & 15, tq: body[at + 2], td: 0, ta: 0 });
      }
      keep.push(seg);
    } else if (marker >= 0xc1 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      throw new SpliceUnsupported('only baseline JPEGs');
    } else if (marker === 0xdb) {
      for (let j = 0; j < body.length;) {
        const pq = body[j] >> 4;
        const tq = body[j] & 15;
        const table = new Uint16Array(64);
        for (let k = 0; k < 64; k++) table[k] = pq ? body.readUInt16BE(j + 1 + k * 2) : body[j + 1 + k];
        quant.set(tq, table);
        j += 1 + (pq ? 128 : 64);
      }
      keep.push(seg);
    } else if (marker === 0xc4) {
      for (let j = 0; j < body.length;) {
        const key = body[j];
        const counts = body.subarray(j + 1, j + 17);
        const total = counts.reduce((a, b) => a + b, 0);
        huffman.set(key, {
          counts: new Uint8Array(counts),
          values: new Uint8Array(body.subarray(j + 17, j + 17 + total)),
        });
        j += 17 + total;
      }
    } else if (marker === 0xdd) {
      if (body.readUInt16BE(0) !== 0) throw new SpliceUnsupported('restart intervals are not supported');
    } else if (marker === 0xda) {
      const n = body[0];
      if (n !== components.length) throw new SpliceUnsupported('only single-scan JPEGs');
      for (let c = 0; c < n; c++) {
        const comp = components.find((x) => x.id === body[1 + c * 2]);
        if (!comp) throw new SpliceUnsupported('scan names an unknown component');
        comp.td = body[2 + c * 2] >> 4;
        comp.ta = body[2 + c * 2] & 15;
      }
      // The scan order must be the frame order for the MCU layout below.
      for (let c = 0; c < n; c++)
        if (body[1 + c * 2] !== components[c].id) throw new SpliceUnsupported('scan order differs from frame order');
      const scanStart = i + 2 + len;
      let end = scanStart;
      while (
        end + 1 < data.length &&
        !(data[end] === 0xff && data[end + 1] !== 0x00 && !(data[end + 1] >= 0xd0 && data[end + 1] <= 0xd7))
      )
        end++;
      if (!sawFrame) throw new SpliceUnsupported('no baseline frame header');
      return { width, height, components, quant, huffman, scanStart, scanEnd: end, keep, sos: Buffer.from(seg) };
    } else if (marker === 0xd9) {
      break;
    } else {
      keep.push(seg);
    }
    i += 2 + len;
  }
  throw new SpliceUnsupported('no scan found');
}

function decoderFor(counts: Uint8Array, values: Uint8Array): HuffmanDecoder {
  const maxcode = new Int32Array(18).fill(-1);
  const valptr = new Int32Array(17);
  const mincode = new Int32Array(17);
  const fast = new Uint16Array(1 << FAST_BITS);
  let code = 0;
  let k = 0;
  for (let len = 1; len <= 16; len++) {
    valptr[len] = k;
    mincode[len] = code;
    for (let n = 0; n < counts[len - 1]; n++) {
      if (len <= FAST_BITS) {
        const shift = FAST_BITS - len;
        const base = code << shift;
        for (let f = 0; f < 1 << shift; f++) fast[base + f] = (len << 8) | values[k];
      }
      code++;
      k++;
    }
    maxcode[len] = counts[len - 1] ? code - 1 : -1;
    code <<= 1;
  }
  maxcode[17] = 0x7fffffff;
  return { fast, maxcode, valptr, mincode, values };
}

const ZIGZAG = new Uint8Array([
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
  35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47,
  55, 62, 63,
]);

function category(v: number): number {
  let a = v < 0 ? -v : v;
  let n = 0;
  while (a) {
    n++;
    a >>= 1;
  }
  return n;
}

/** JPEG's one's-complement style amplitude bits for a value of the given category. */
function amplitude(v: number, n: number): number {
  return v < 0 ? v + (1 << n) - 1 : v;
}

function extend(bits: number, n: number): number {
  return n && bits < 1 << (n - 1) ? bits - (1 << n) + 1 : bits;
}

const AAN_SCALE = [1.0, 1.387039845, 1.306562965, 1.175875602, 1.0, 0.785694958, 0.5411961, 0.275899379];

/** Per-coefficient multipliers that undo the AAN DCT's scaling and divide by the quantiser, natural order. */
function aanDivisors(quantNatural: Float64Array): Float64Array {
  const out = new Float64Array(64);
  for (let v = 0; v < 8; v++)
    for (let u = 0; u < 8; u++) out[v * 8 + u] = 1 / (quantNatural[v * 8 + u] * AAN_SCALE[v] * AAN_SCALE[u] * 8);
  return out;
}

/** One 8-point AAN forward DCT over d[o], d[o+s], ..., d[o+7s], in place (scaled outputs). */
function aan8(d: Float64Array, o: number, s: number): void {
  const d0 = d[o],
    d1 = d[o + s],
    d2 = d[o + 2 * s],
    d3 = d[o + 3 * s];
  const d4 = d[o + 4 * s],
    d5 = d[o + 5 * s],
    d6 = d[o + 6 * s],
    d7 = d[o + 7 * s];
  const t0 = d0 + d7,
    t7 = d0 - d7,
    t1 = d1 + d6,
    t6 = d1 - d6;
  const t2 = d2 + d5,
    t5 = d2 - d5,
    t3 = d3 + d4,
    t4 = d3 - d4;
  const t10 = t0 + t3,
    t13 = t0 - t3,
    t11 = t1 + t2,
    t12 = t1 - t2;
  d[o] = t10 + t11;
  d[o + 4 * s] = t10 - t11;
  const z1 = (t12 + t13) * 0.707106781;
  d[o + 2 * s] = t13 + z1;
  d[o + 6 * s] = t13 - z1;
  const u10 = t4 + t5,
    u11 = t5 + t6,
    u12 = t6 + t7;
  const z5 = (u10 - u12) * 0.382683433;
  const z2 = 0.5411961 * u10 + z5;
  const z4 = 1.306562965 * u12 + z5;
  const z3 = u11 * 0.707106781;
  const z11 = t7 + z3,
    z13 = t7 - z3;
  d[o + 5 * s] = z13 + z2;
  d[o + 3 * s] = z13 - z2;
  d[o + s] = z11 + z4;
  d[o + 7 * s] = z11 - z4;
}

/** Forward DCT of one 8x8 block of level-shifted samples (overwritten), quantised into `out` (natural order). */
function fdctQuantise(block: Float64Array, divisors: Float64Array, out: Int32Array): void {
  for (let r = 0; r < 8; r++) aan8(block, r * 8, 1);
  for (let c = 0; c < 8; c++) aan8(block, c, 8);
  for (let i = 0; i < 64; i++) out[i] = Math.round(block[i] * divisors[i]);
}

/** Table slots of the output: luma DC, luma AC, chroma DC, chroma AC. */
const DC_LUMA = 0;
const AC_LUMA = 1;
const DC_CHROMA = 2;
const AC_CHROMA = 3;

/**
 * The scan as a list of Huffman symbols with their amplitude bits, one Uint32 each: slot << 24 | symbol << 16 |
 * bits. Collected first so the output tables can be fitted to header and page together (the browser's tables
 * are fitted to the page alone and may lack symbols the header needs).
 */
class SymbolList {
  items: Uint32Array;
  length = 0;
  constructor(capacity: number) {
    this.items = new Uint32Array(Math.max(4096, capacity));
  }

  push(slot: number, symbol: number, bits: number): void {
    if (this.length === this.items.length) {
      const bigger = new Uint32Array(this.items.length * 2);
      bigger.set(this.items);
      this.items = bigger;
    }
    this.items[this.length++] = (slot << 24) | (symbol << 16) | bits;
  }
}

/** Removes byte stuffing so bits can be read at any position; four zero bytes pad the end. */
function unstuff(data: Buffer, start: number, end: number): Uint8Array {
  const out = new Uint8Array(end - start + 4);
  let n = 0;
  for (let i = start; i < end; i++) {
    const b = data[i];
    out[n++] = b;
    if (b === 0xff) i++;
  }
  return out.subarray(0, n + 4);
}

/** Reads up to 16 bits at bit position `at`. */
function peekBits(u: Uint8Array, at: number, n: number): number {
  const i = at >>> 3;
  const word = (u[i] << 16) | (u[i + 1] << 8) | u[i + 2];
  return (word >>> (24 - (at & 7) - n)) & ((1 << n) - 1);
}

/** Appends the page's scan to `list`, symbol by symbol; returns each component's first DC (predictor zero). */
function readPageSymbols(page: Buffer, p: ParsedJpeg, list: SymbolList, mcus: number): { firstDcAt: number[] } {
  const u = unstuff(page, p.scanStart, p.scanEnd);
  const totalBits = (u.length - 4) * 8;
  const dcDec = p.components.map((c) => {
    const t = p.huffman.get(c.td);
    if (!t) throw new SpliceUnsupported(`missing DC table ${c.td}`);
    return decoderFor(t.counts, t.values);
  });
  const acDec = p.components.map((c) => {
    const t = p.huffman.get(0x10 | c.ta);
    if (!t) throw new SpliceUnsupported(`missing AC table ${c.ta}`);
    return decoderFor(t.counts, t.values);
  });
  const decode = (h: HuffmanDecoder): number => {
    const hit = h.fast[peekBits(u, at, FAST_BITS)];
    if (hit) {
      at += hit >> 8;
      return hit & 0xff;
    }
    let code = peekBits(u, at, FAST_BITS);
    let len = FAST_BITS;
    at += FAST_BITS;
    while (code > h.maxcode[len]) {
      code = (code << 1) | peekBits(u, at++, 1);
      if (++len > 16) throw new SpliceUnsupported('corrupt Huffman data');
    }
    return h.values[h.valptr[len] + code - h.mincode[len]];
  };
  let at = 0;
  const firstDcAt = p.components.map(() => -1);
  const blocks = p.components.map((c) => c.h * c.v);
  const n = p.components.length;
  for (let m = 0; m < mcus; m++) {
    for (let ci = 0; ci < n; ci++) {
      const dcD = dcDec[ci];
      const acD = acDec[ci];
      const dcSlot = ci === 0 ? DC_LUMA : DC_CHROMA;
      const acSlot = ci === 0 ? AC_LUMA : AC_CHROMA;
      for (let b = blocks[ci]; b > 0; b--) {
        const cat = decode(dcD);
        if (cat > 11) throw new SpliceUnsupported('corrupt DC category');
        const dcBits = cat ? peekBits(u, at, cat) : 0;
        at += cat;
        if (firstDcAt[ci] < 0) firstDcAt[ci] = list.length;
        list.push(dcSlot, cat, dcBits);
        for (let k = 1; k < 64;) {
          const rs = decode(acD);
          const size = rs & 15;
          if (size === 0) {
            list.push(acSlot, rs, 0);
            if (rs !== 0xf0) break;
            k += 16;
            continue;
          }
          list.push(acSlot, rs, peekBits(u, at, size));
          at += size;
          k += (rs >> 4) + 1;
        }
      }
    }
    if (at > totalBits) throw new SpliceUnsupported('scan ends early');
  }
  return { firstDcAt };
}

/** Huffman code lengths fitted to symbol counts, limited to 16 bits (ITU T.81 K.2, as libjpeg does it). */
function optimalTable(freq: Float64Array): { counts: number[]; values: number[] } {
  const f = Float64Array.from(freq);
  f[256] = 1; // reserves the all-ones code, which JPEG forbids
  const codesize = new Int32Array(257);
  const others = new Int32Array(257).fill(-1);
  for (;;) {
    let c1 = -1;
    let v = Infinity;
    for (let i = 0; i <= 256; i++)
      if (f[i] && f[i] <= v) {
        v = f[i];
        c1 = i;
      }
    let c2 = -1;
    v = Infinity;
    for (let i = 0; i <= 256; i++)
      if (f[i] && f[i] <= v && i !== c1) {
        v = f[i];
        c2 = i;
      }
    if (c2 < 0) break;
    f[c1] += f[c2];
    f[c2] = 0;
    codesize[c1]++;
    while (others[c1] >= 0) {
      c1 = others[c1];
      codesize[c1]++;
    }
    others[c1] = c2;
    codesize[c2]++;
    while (others[c2] >= 0) {
      c2 = others[c2];
      codesize[c2]++;
    }
  }
  const bits = new Int32Array(33);
  for (let i = 0; i <= 256; i++) if (codesize[i]) bits[codesize[i]]++;
  for (let i = 32; i > 16; i--) {
    while (bits[i] > 0) {
      let j = i - 2;
      while (bits[j] === 0) j--;
      bits[i] -= 2;
      bits[i - 1]++;
      bits[j + 1] += 2;
      bits[j]--;
    }
  }
  let i = 16;
  while (bits[i] === 0) i--;
  bits[i]--;
  const values: number[] = [];
  for (let len = 1; len <= 32; len++) for (let s = 0; s < 256; s++) if (codesize[s] === len) values.push(s);
  return { counts: Array.from(bits.subarray(1, 17)), values };
}

function codesOf(table: { counts: number[]; values: number[] }): { code: Uint16Array; length: Uint8Array } {
  const code = new Uint16Array(256);
  const length = new Uint8Array(256);
  let c = 0;
  let k = 0;
  for (let len = 1; len <= 16; len++) {
    for (let n = 0; n < table.counts[len - 1]; n++) {
      code[table.values[k]] = c;
      length[table.values[k]] = len;
      c++;
      k++;
    }
    c <<= 1;
  }
  return { code, length };
}

/** Huffman-codes the symbol list with byte stuffing. */
function writeSymbols(list: SymbolList, codes: { code: Uint16Array; length: Uint8Array }[], sizeHint: number): Buffer {
  let out = Buffer.allocUnsafe(Math.max(1024, sizeHint));
  let n = 0;
  let acc = 0;
  let bits = 0;
  const put = (value: number, count: number) => {
    acc = (acc << count) | value;
    bits += count;
    while (bits >= 8) {
      bits -= 8;
      const byte = (acc >>> bits) & 0xff;
      if (n + 2 > out.length) {
        const bigger = Buffer.allocUnsafe(out.length * 2);
        out.copy(bigger, 0, 0, n);
        out = bigger;
      }
      out[n++] = byte;
      if (byte === 0xff) out[n++] = 0;
    }
    acc &= (1 << bits) - 1;
  };
  const items = list.items;
  for (let i = 0; i < list.length; i++) {
    const item = items[i];
    const slot = item >>> 24;
    const symbol = (item >>> 16) & 0xff;
    const table = codes[slot];
    put(table.code[symbol], table.length[symbol]);
    const extra = slot === DC_LUMA || slot === DC_CHROMA ? symbol : symbol & 15;
    if (extra) put(item & 0xffff, extra);
  }
  if (bits) put((1 << (8 - bits)) - 1, 8 - bits);
  return out.subarray(0, n);
}

export interface SpliceInput {
  /** The page JPEG (baseline, 8-bit, one scan, no restart intervals). */
  page: Buffer;
  /** The header as raw RGB(A) pixels, as wide as the page; a height in whole MCU rows (16) avoids fill rows. */
  header: { data: Buffer; width: number; height: number; channels: 3 | 4 };
  /** Colour of any rows added below the header to reach whole MCU rows. */
  fill: [number, number, number];
}

/** The tallest MCU of a baseline JPEG (4:2:0 takes 16 rows); a header this many rows high needs no fill rows. */
export const SPLICE_ROW_MULTIPLE = 16;

/**
 * The page JPEG with the header above it. Throws SpliceUnsupported for anything but a baseline 8-bit one-scan
 * JPEG without restart intervals; the caller then composites by decoding.
 */
export function spliceHeader(input: SpliceInput): { data: Buffer; headerHeight: number } {
  const p = parse(input.page);
  if (input.header.width !== p.width) throw new SpliceUnsupported('header width differs from page width');
  if (p.components.length !== 1 && p.components.length !== 3)
    throw new SpliceUnsupported('only greyscale or YCbCr JPEGs');
  const hmax = Math.max(...p.components.map((c) => c.h));
  const vmax = Math.max(...p.components.map((c) => c.v));
  if (p.components.some((c) => hmax % c.h || vmax % c.v)) throw new SpliceUnsupported('unusual sampling factors');
  const mcuW = 8 * hmax;
  const mcuH = 8 * vmax;
  const headerHeight = Math.ceil(input.header.height / mcuH) * mcuH;
  if (headerHeight + p.height > 65535) throw new SpliceUnsupported('image too tall for one JPEG');
  const mcusX = Math.ceil(p.width / mcuW);
  const quant = p.components.map((c) => {
    const q = p.quant.get(c.tq);
    if (!q) throw new SpliceUnsupported(`missing quantisation table ${c.tq}`);
    const natural = new Float64Array(64);
    for (let k = 0; k < 64; k++) natural[ZIGZAG[k]] = q[k];
    return { natural, divisors: aanDivisors(natural) };
  });

  const list = new SymbolList((p.scanEnd - p.scanStart) * 2);
  const lastDc = encodeHeader(input, p.components, quant, { mcusX, mcuW, mcuH, hmax, vmax, headerHeight }, list);
  const { firstDcAt } = readPageSymbols(input.page, p, list, mcusX * Math.ceil(p.height / mcuH));
  // The page's first block of each component was coded against a zero predictor; now the header comes first.
  firstDcAt.forEach((at, ci) => {
    const item = list.items[at];
    const cat = (item >>> 16) & 0xff;
    const dc = extend(item & 0xffff, cat) - lastDc[ci];
    const n = category(dc);
    list.items[at] = (item & 0xff000000) | (n << 16) | amplitude(dc, n);
  });

  const freq = [0, 1, 2, 3].map(() => new Float64Array(257));
  for (let i = 0; i < list.length; i++) {
    const item = list.items[i];
    freq[item >>> 24][(item >>> 16) & 0xff]++;
  }
  const slots = p.components.length === 1 ? [DC_LUMA, AC_LUMA] : [DC_LUMA, AC_LUMA, DC_CHROMA, AC_CHROMA];
  const tables = [0, 1, 2, 3].map((slot) =>
    slots.includes(slot) ? optimalTable(freq[slot]) : { counts: new Array(16).fill(0), values: [] },
  );
  const entropy = writeSymbols(list, tables.map(codesOf), p.scanEnd - p.scanStart + 65536);

  const dhtBody = Buffer.concat(
    slots.map((slot) => {
      const cls = slot === AC_LUMA || slot === AC_CHROMA ? 1 : 0;
      const id = slot >= DC_CHROMA ? 1 : 0;
      return Buffer.concat([
        Buffer.from([(cls << 4) | id]),
        Buffer.from(tables[slot].counts),
        Buffer.from(tables[slot].values),
      ]);
    }),
  );
  const dht = Buffer.concat([
    Buffer.from([0xff, 0xc4, (dhtBody.length + 2) >> 8, (dhtBody.length + 2) & 0xff]),
    dhtBody,
  ]);
  const sos = Buffer.from(p.sos);
  for (let c = 0; c < p.components.length; c++) sos[5 + 2 * c + 1] = c === 0 ? 0x00 : 0x11;
  const segments = p.keep.map((seg) => {
    if (seg[1] !== 0xc0) return seg;
    const copy = Buffer.from(seg);
    copy.writeUInt16BE(headerHeight + p.height, 5);
    return copy;
  });
  const data = Buffer.concat([Buffer.from([0xff, 0xd8]), ...segments, dht, sos, entropy, Buffer.from([0xff, 0xd9])]);
  return { data, headerHeight };
}

/** Header pixels to symbols with the page's quantisation; returns each component's last DC. */
function encodeHeader(
  input: SpliceInput,
  components: Component[],
  quant: { natural: Float64Array; divisors: Float64Array }[],
  g: { mcusX: number; mcuW: number; mcuH: number; hmax: number; vmax: number; headerHeight: number },
  list: SymbolList,
): number[] {
  const { data: px, width, height, channels } = input.header;
  const fullW = g.mcusX * g.mcuW;
  // One plane per component at its own resolution (chroma averaged over the pixels each sample covers),
  // already level-shifted; edges are padded by repeating the last column, and rows past the picture get `fill`.
  const area = fullW * g.headerHeight;
  const full = components.map(() => new Float32Array(area));
  const [yPlane, cbPlane, crPlane] = full;
  for (let y = 0; y < g.headerHeight; y++) {
    const row = Math.min(y, height - 1) * width;
    const fillRow = y >= height;
    const out = y * fullW;
    for (let x = 0; x < fullW; x++) {
      const at = (row + (x < width ? x : width - 1)) * channels;
      const r = fillRow ? input.fill[0] : px[at];
      const gr = fillRow ? input.fill[1] : px[at + 1];
      const b = fillRow ? input.fill[2] : px[at + 2];
      yPlane[out + x] = 0.299 * r + 0.587 * gr + 0.114 * b - 128;
      if (cbPlane) {
        cbPlane[out + x] = -0.168736 * r - 0.331264 * gr + 0.5 * b;
        crPlane[out + x] = 0.5 * r - 0.418688 * gr - 0.081312 * b;
      }
    }
  }
  // Each component at its own resolution: subsampled ones average the pixels each sample covers.
  const planes = components.map((comp, ci) => {
    const sx = g.hmax / comp.h;
    const sy = g.vmax / comp.v;
    if (sx === 1 && sy === 1) return { w: fullW, data: full[ci] };
    const w = fullW / sx;
    const h = g.headerHeight / sy;
    const src = full[ci];
    const data = new Float32Array(w * h);
    const scale = 1 / (sx * sy);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let sum = 0;
        for (let dy = 0; dy < sy; dy++) {
          const at = (y * sy + dy) * fullW + x * sx;
          for (let dx = 0; dx < sx; dx++) sum += src[at + dx];
        }
        data[y * w + x] = sum * scale;
      }
    }
    return { w, data };
  });
  const pred = components.map(() => 0);
  const block = new Float64Array(64);
  const coef = new Int32Array(64);
  for (let my = 0; my < g.headerHeight / g.mcuH; my++) {
    for (let mx = 0; mx < g.mcusX; mx++) {
      for (let ci = 0; ci < components.length; ci++) {
        const comp = components[ci];
        const plane = planes[ci];
        const q = quant[ci];
        const dcSlot = ci === 0 ? DC_LUMA : DC_CHROMA;
        const acSlot = ci === 0 ? AC_LUMA : AC_CHROMA;
        for (let by = 0; by < comp.v; by++) {
          for (let bx = 0; bx < comp.h; bx++) {
            const x0 = (mx * comp.h + bx) * 8;
            const y0 = (my * comp.v + by) * 8;
            let flat = true;
            const first = plane.data[y0 * plane.w + x0];
            for (let yy = 0; yy < 8; yy++) {
              const rowAt = (y0 + yy) * plane.w + x0;
              for (let xx = 0; xx < 8; xx++) {
                const v = plane.data[rowAt + xx];
                block[yy * 8 + xx] = v;
                if (v !== first) flat = false;
              }
            }
            // Most of a header is flat background: its DCT is the DC term alone.
            if (flat) {
              coef.fill(0);
              coef[0] = Math.round((8 * first) / q.natural[0]);
            } else {
              fdctQuantise(block, q.divisors, coef);
            }
            const diff = coef[0] - pred[ci];
            pred[ci] = coef[0];
            const n = category(diff);
            list.push(dcSlot, n, amplitude(diff, n));
            let run = 0;
            for (let k = 1; k < 64; k++) {
              const v = coef[ZIGZAG[k]];
              if (v === 0) {
                run++;
                continue;
              }
              while (run > 15) {
                list.push(acSlot, 0xf0, 0);
                run -= 16;
              }
              const clamped = v < -1023 ? -1023 : v > 1023 ? 1023 : v;
              const size = category(clamped);
              list.push(acSlot, (run << 4) | size, amplitude(clamped, size));
              run = 0;
            }
            if (run) list.push(acSlot, 0x00, 0);
          }
        }
      }
    }
  }
  return pred;
}
