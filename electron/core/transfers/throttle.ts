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

  /**
   * A pass-through stream that holds chunks back to keep to the limit.
   * Destroying it lets go of the chunk it holds back at once, so the writes
   * queued behind that one are answered then, not when the limit would
   * have let them through. A write Node parks while the reading side is
   * full (the file behind) is not answered after a destroy: callers
   * destroy the stream before they wait for their writes (downloadFile).
   */
  stream(): Transform {
    let held: { timer: NodeJS.Timeout; callback: TransformCallback } | null = null;
    return new Transform({
      transform: (chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) => {
        const wait = this.take(chunk.length);
        if (wait <= 0) {
          callback(null, chunk);
          return;
        }
        held = {
          timer: setTimeout(() => {
            held = null;
            callback(null, chunk);
          }, wait),
          callback,
        };
      },
      destroy: (error, callback) => {
        if (held !== null) {
          clearTimeout(held.timer);
          // Ends the write in progress; the stream, being destroyed, then fails the ones queued behind it.
          held.callback();
          held = null;
        }
        callback(error);
      },
    });
  }
}
