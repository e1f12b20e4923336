/** Bounds of an adaptive retransmit timeout, in milliseconds. */
export interface RetransmitBounds {
  /** The timeout before the first round-trip has been measured. */
  initialMs: number;
  /** Never retransmit sooner than this, however fast the peer answered so far. */
  minMs: number;
  /** Never wait longer than this between retransmissions. */
  maxMs: number;
}

/**
 * An adaptive retransmit timeout after RFC 6298 (smoothed round-trip time
 * plus four deviations), clamped to bounds, doubling on each timeout.
 * Callers follow Karn's rule: only answers to packets sent once are
 * sampled, since an answer to a retransmitted packet could belong to
 * either copy.
 */
export class RetransmitTimer {
  private srtt: number | null = null;
  private rttvar = 0;
  private current: number;

  constructor(private readonly bounds: RetransmitBounds) {
    this.current = clamp(bounds.initialMs, bounds.minMs, bounds.maxMs);
  }

  /** How long to wait for an answer before retransmitting. */
  get timeoutMs(): number {
    return this.current;
  }

  /** The smoothed round-trip time, or null before the first sample. */
  get smoothedRttMs(): number | null {
    return this.srtt;
  }

  /** Records one measured round trip and recomputes the timeout. */
  sample(rttMs: number): void {
    const rtt = Math.max(0, rttMs);
    if (this.srtt === null) {
      this.srtt = rtt;
      this.rttvar = rtt / 2;
    } else {
      this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - rtt);
      this.srtt = 0.875 * this.srtt + 0.125 * rtt;
    }
    this.current = clamp(this.srtt + 4 * this.rttvar, this.bounds.minMs, this.bounds.maxMs);
  }

  /** A timeout fired: wait twice as long next time (up to the maximum). */
  backoff(): void {
    this.current = clamp(this.current * 2, this.bounds.minMs, this.bounds.maxMs);
  }

  /**
   * The peer answered again with something new: forget the backoff. Strict
   * Karn would keep it until an unambiguous sample, but after a lost packet
   * most answers acknowledge retransmitted blocks, so the timeout would
   * stay doubled for the rest of a lossy transfer.
   */
  resetBackoff(): void {
    const base = this.srtt === null ? this.bounds.initialMs : this.srtt + 4 * this.rttvar;
    this.current = clamp(base, this.bounds.minMs, this.bounds.maxMs);
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}
