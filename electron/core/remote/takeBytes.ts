/**
 * Takes `size` bytes off the front of a queue of chunks (fewer when the
 * queue holds fewer): a slice when one chunk holds them, one copy when
 * they span several. The chunks left behind are what follows.
 */
export function takeBytes(chunks: Buffer[], size: number): Buffer {
  const first = chunks[0];
  if (first !== undefined && first.length >= size) {
    if (first.length === size) chunks.shift();
    else chunks[0] = first.subarray(size);
    return first.subarray(0, size);
  }
  const parts: Buffer[] = [];
  let needed = size;
  while (needed > 0) {
    const chunk = chunks[0];
    if (chunk === undefined) break;
    if (chunk.length <= needed) {
      parts.push(chunk);
      chunks.shift();
      needed -= chunk.length;
    } else {
      parts.push(chunk.subarray(0, needed));
      chunks[0] = chunk.subarray(needed);
      needed = 0;
    }
  }
  return Buffer.concat(parts, size - needed);
}
