/** Block numbers on the wire are 16 bits. */
const WIRE_BLOCKS = 65536;

/**
 * The wire number of an absolute block. Transfers count blocks from 1 and
 * never stop at 65535: the number rolls over to 0, as tftpd-hpa, atftpd
 * and most devices expect, so files over 32 MiB work at 512-byte blocks.
 */
export function wireBlock(absolute: number): number {
  return absolute % WIRE_BLOCKS;
}

/**
 * The absolute block within `[low, high]` that has wire number `wire`, or
 * null when none does. The range must span fewer than 65536 blocks, which
 * makes the answer unique.
 */
export function absoluteBlock(wire: number, low: number, high: number): number | null {
  const candidate = low + ((((wire - low) % WIRE_BLOCKS) + WIRE_BLOCKS) % WIRE_BLOCKS);
  return candidate <= high ? candidate : null;
}

/**
 * How far a wire number is ahead of the absolute block `expected`, from 0
 * (it is that block) to 65535 (it is the block just before it).
 */
export function blocksAhead(wire: number, expected: number): number {
  return (((wire - wireBlock(expected)) % WIRE_BLOCKS) + WIRE_BLOCKS) % WIRE_BLOCKS;
}
