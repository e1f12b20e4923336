/** Bytes per slab: a few large reads each, so allocations (and the GC work they bring) stay rare. */
const SLAB_BYTES = 4 * 1024 * 1024;

/** Less room than this left in a slab and the next read starts a fresh one. */
const MIN_READ_BYTES = 256 * 1024;

/**
 * Read targets for a socket's `onread` option, carved one after another
 * out of large slabs, so that what the kernel wrote is handed on as it is:
 * no copy per read, and no buffer reused while a chunk of it may still be
 * waiting to be written to disk. A region once handed out is never written
 * again; a slab is freed by the garbage collector when its last chunk is.
 */
export class ReadSlab {
  private slab: Buffer = Buffer.allocUnsafe(0);
  private used = 0;

  /** Where the next read goes: the rest of the current slab, or a fresh one. */
  next(): Buffer {
    if (this.slab.length - this.used < MIN_READ_BYTES) {
      this.slab = Buffer.allocUnsafe(SLAB_BYTES);
      this.used = 0;
    }
    return this.slab.subarray(this.used);
  }

  /** The `bytes` a read just put at the start of `region` (what `next` returned): now the caller's. */
  take(region: Uint8Array, bytes: number): Buffer {
    this.used += bytes;
    return Buffer.from(region.buffer, region.byteOffset, bytes);
  }
}
