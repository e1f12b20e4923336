import { describe, expect, it } from 'vitest';
import { ReadSlab } from '../../../../electron/core/protocols/ftp/readSlab.js';

/** What a socket with `onread` does: read into the region `next` gave, then hand over what it read. */
function read(slab: ReadSlab, data: Buffer): Buffer {
  const region = slab.next();
  data.copy(region);
  return slab.take(region, data.length);
}

describe('ReadSlab', () => {
  it('hands out what was read without copying, and never writes over a chunk already handed out', () => {
    const slab = new ReadSlab();
    const chunks = Array.from({ length: 40 }, (_, i) => read(slab, Buffer.alloc(100_000 + i, i + 1)));
    chunks.forEach((chunk, i) => {
      expect(chunk.length).toBe(100_000 + i);
      expect(chunk.every((byte) => byte === i + 1)).toBe(true);
    });
  });

  it('carves reads one after another out of one slab, and starts a new one when little is left', () => {
    const slab = new ReadSlab();
    const first = read(slab, Buffer.alloc(1000));
    const second = read(slab, Buffer.alloc(1000));
    expect(second.buffer).toBe(first.buffer);
    expect(second.byteOffset).toBe(first.byteOffset + 1000);
    // Fill the slab to within a small read of its end: the next read goes to a fresh slab.
    read(slab, Buffer.alloc(slab.next().length - 1000));
    expect(read(slab, Buffer.alloc(10)).buffer).not.toBe(first.buffer);
  });
});
