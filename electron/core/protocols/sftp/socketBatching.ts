import type { Client } from 'ssh2';

/** Runs a burst of sends; wraps it so the socket writes them together. */
export type SendBatcher = (burst: () => void) => void;

/**
 * Makes a burst of SFTP requests leave in one socket write. ssh2 writes
 * every SSH packet to the socket on its own, so a refill of many small
 * READ requests costs one system call each; with the socket corked around
 * the burst, Node hands them to the kernel with a single writev. The
 * socket is ssh2's private `_sock`; if it is not there, bursts run as they are.
 */
export function socketBatcher(client: Client): SendBatcher {
  const socket = (client as unknown as { _sock?: { cork?: unknown; uncork?: unknown } })._sock;
  if (!socket || typeof socket.cork !== 'function' || typeof socket.uncork !== 'function') {
    return (burst) => burst();
  }
  const cork = socket.cork as () => void;
  const uncork = socket.uncork as () => void;
  return (burst) => {
    cork.call(socket);
    try {
      burst();
    } finally {
      uncork.call(socket);
    }
  };
}
