import { createRequire } from 'node:module';
import type { Transform } from 'node:stream';

// The installed archiver 7 exports a factory function, while @types/archiver 8 describes the class API of a later
// major; a narrow local type over the factory is the honest description.
interface ZipStream extends Transform {
  append(data: Buffer | string, entry: { name: string; store?: boolean; date?: Date }): this;
  finalize(): Promise<void>;
}
const archiver = createRequire(import.meta.url)('archiver') as (
  format: 'zip',
  options: { zlib?: { level: number } },
) => ZipStream;

export interface ZipItem {
  name: string;
  data: Buffer | string;
  date?: Date;
}

/** A zip in memory, so its exact size is known before anything reaches the disk. */
export async function zipBytes(items: ZipItem[]): Promise<Buffer> {
  const archive = archiver('zip', { zlib: { level: 6 } });
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    archive.on('data', (c: Buffer) => chunks.push(c));
    archive.on('end', () => resolve());
    archive.on('error', reject);
    archive.on('warning', reject);
  });
  for (const item of items) {
    // JPEGs are already compressed; deflating them again costs time and gains nothing.
    const store = /\.(jpe?g|png)$/i.test(item.name);
    archive.append(item.data, { name: item.name, store, date: item.date ?? new Date() });
  }
  await archive.finalize();
  await done;
  return Buffer.concat(chunks);
}
