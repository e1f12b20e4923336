const CR = 0x0d;
const LF = 0x0a;
const NUL = 0x00;

/**
 * Local text to netascii (RFC 764 as RFC 1350 uses it): every LF becomes
 * CR LF and every bare CR becomes CR NUL, so the peer can turn both back
 * into its own line ends. Stateless: each byte maps on its own.
 */
export class NetasciiEncoder {
  encode(chunk: Buffer): Buffer {
    let extra = 0;
    for (const byte of chunk) if (byte === LF || byte === CR) extra++;
    if (extra === 0) return chunk;
    const out = Buffer.allocUnsafe(chunk.length + extra);
    let o = 0;
    for (const byte of chunk) {
      if (byte === LF) {
        out[o++] = CR;
        out[o++] = LF;
      } else if (byte === CR) {
        out[o++] = CR;
        out[o++] = NUL;
      } else {
        out[o++] = byte;
      }
    }
    return out;
  }
}

/**
 * Netascii to local text: CR LF becomes LF and CR NUL becomes CR. A CR
 * followed by anything else is kept as it is, since some peers send bare
 * CRs. A CR at the end of a chunk waits for the next one to be decided.
 */
export class NetasciiDecoder {
  private pendingCr = false;

  decode(chunk: Buffer): Buffer {
    const out = Buffer.allocUnsafe(chunk.length + 1);
    let o = 0;
    let i = 0;
    if (this.pendingCr && chunk.length > 0) {
      this.pendingCr = false;
      const first = chunk[0];
      if (first === LF) {
        out[o++] = LF;
        i = 1;
      } else if (first === NUL) {
        out[o++] = CR;
        i = 1;
      } else {
        out[o++] = CR;
      }
    }
    for (; i < chunk.length; i++) {
      const byte = chunk[i] ?? 0;
      if (byte !== CR) {
        out[o++] = byte;
        continue;
      }
      if (i + 1 >= chunk.length) {
        this.pendingCr = true;
        break;
      }
      const next = chunk[i + 1];
      if (next === LF) {
        out[o++] = LF;
        i++;
      } else if (next === NUL) {
        out[o++] = CR;
        i++;
      } else {
        out[o++] = CR;
      }
    }
    return out.subarray(0, o);
  }

  /** The bytes still held back at the end of the transfer (a final bare CR). */
  flush(): Buffer {
    if (!this.pendingCr) return Buffer.alloc(0);
    this.pendingCr = false;
    return Buffer.from([CR]);
  }
}
