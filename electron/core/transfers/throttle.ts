import { Transform, type TransformCallback } from 'node:stream';

/**
 * A shared token bucket for one direction's speed limit. Every transfer in
 * that direction draws from the same bucket, so the limit is global, not
 * per file. A limit of 0 means unlimited.
 */
export class Throttle {
  private available: number;
  private last = performance.now();

  constructor(private bytesPerSecond = 0) {
    this.available = bytesPerSecond;
  }

  setLimit(bytesPerSecond: number): void {
    this.bytesPerSecond = bytesPerSecond;
    this.available = Math.min(this.available, bytesPerSecond);
  }

  get limit(): number {
    return this.bytesPerSecond;
  }

  /** How long to wait before `bytes` may pass (0 when they may pass now); takes them from the bucket. */
  take(bytes: number): number {
    if (this.bytesPerSecond <= 0) return 0;
    const now = performance.now();
    // Refill, but never bank more than one second's worth: an idle minute
    // must not allow a burst of a minute's traffic.
    this.available = Math.min(this.bytesPerSecond, this.available + ((now - this.last) / 1000) * this.bytesPerSecond);
    this.last = now;
    this.available -= bytes;
    return this.available >= 0 ? 0 : (-this.available / this.bytesPerSecond) * 1000;
  }

  /** A pass-through stream that holds chunks back to keep to the limit. */
  stream(): Transform {
    return new Transform({
      transform: (chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) => {
        const wait = this.take(chunk.length);
        if (wait <= 0) callback(null, chunk);
        else setTimeout(() => callback(null, chunk), wait);
      },
    });
  }
}
