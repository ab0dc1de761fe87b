import sharp from 'sharp';

/**
 * The size ladder, tried in order when a file would exceed its limit: re-encode at a lower JPEG quality, then
 * downscale, then (still over) split into parts. The floor is quality 45 at 65% of the captured width, and never narrower than 900 px: the capture
 * header draws the URL at about 15-16 px on a 1280-1440 px page, which stays at 10 px or more there, the smallest
 * size at which the full URL is still read without zooming.
 */
export interface Level {
  quality?: number;
  scale: number;
}

export const AS_CAPTURED: Level = { scale: 1 };
export const LEVELS: Level[] = [
  AS_CAPTURED,
  { quality: 70, scale: 1 },
  { quality: 55, scale: 1 },
  { quality: 45, scale: 1 },
  { quality: 45, scale: 0.8 },
  { quality: 45, scale: 0.65 },
];
export const FLOOR = { quality: 45, scale: 0.65, minWidth: 900 };

export interface Encoded {
  jpeg: Buffer;
  width: number;
  height: number;
  quality?: number;
  scaled: boolean;
}

function isJpeg(b: Buffer): boolean {
  return b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
}

export async function imageSize(data: Buffer): Promise<{ width: number; height: number }> {
  const meta = await sharp(data).metadata();
  if (!meta.width || !meta.height) throw new Error('image has no dimensions');
  return { width: meta.width, height: meta.height };
}

/** `minWidth` can go under the floor only for the last-resort shrink of a single image larger than the limit. */
export async function encodeAt(
  data: Buffer,
  size: { width: number; height: number },
  level: Level,
  minWidth = FLOOR.minWidth,
): Promise<Encoded> {
  if (level.quality === undefined && level.scale === 1 && isJpeg(data)) {
    return { jpeg: data, width: size.width, height: size.height, scaled: false };
  }
  const target = Math.min(size.width, Math.max(Math.round(size.width * level.scale), minWidth));
  const quality = level.quality ?? 90;
  let pipeline = sharp(data, { limitInputPixels: false });
  if (target < size.width) pipeline = pipeline.resize({ width: target });
  const { data: jpeg, info } = await pipeline
    .flatten({ background: '#ffffff' })
    .jpeg({ quality })
    .toBuffer({ resolveWithObject: true });
  return { jpeg, width: info.width, height: info.height, quality, scaled: target < size.width };
}

/** Runs `fn` over items with at most `limit` at once (sharp uses its own threads; two keeps the machine responsive). */
export async function mapLimit<T, R>(
  items: T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * Predicts, from a few re-encoded samples, the first level at which `total` bytes of images fit in `room`. When even
 * the floor cannot fit everything in one file, the floor is returned and the caller splits the file into parts: the
 * order APS's 20 MB rule is met in is quality, then size, then more files, so the reviewer gets as few files as can be.
 */
export async function chooseLevel(
  images: { data: Buffer; width: number; height: number }[],
  room: number,
): Promise<Level> {
  const total = images.reduce((n, i) => n + i.data.length, 0);
  if (total <= room) return AS_CAPTURED;
  const step = Math.max(1, Math.floor(images.length / 4));
  const sample = images.filter((_, i) => i % step === 0).slice(0, 4);
  const sampleBytes = sample.reduce((n, i) => n + i.data.length, 0);
  // Samples are a guess; keep 8% headroom so a slightly worse guess still fits.
  const fits = async (level: Level) => {
    const encoded = await mapLimit(sample, 2, (i) => encodeAt(i.data, i, level));
    return total * (encoded.reduce((n, e) => n + e.jpeg.length, 0) / sampleBytes) <= room * 0.92;
  };
  // The floor first: with hundreds of captures it usually cannot fit, and then no other level needs trying.
  if (!(await fits(LEVELS[LEVELS.length - 1]))) return LEVELS[LEVELS.length - 1];
  for (const level of LEVELS.slice(1, -1)) if (await fits(level)) return level;
  return LEVELS[LEVELS.length - 1];
}
