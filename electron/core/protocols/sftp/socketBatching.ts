import type { Client } from 'ssh2';

/** Runs a burst of sends; wraps it so the socket writes them together. */
export type SendBatcher = (burst: () => void) => void;

interface CorkableSocket {
  cork: () => void;
  uncork: () => void;
  prependListener: (event: 'data', listener: () => void) => unknown;
  on: (event: 'data', listener: () => void) => unknown;
}

/** ssh2's private `_sock`, when it has what batching needs. */
function socketOf(client: Client): CorkableSocket | null {
  const socket = (client as unknown as { _sock?: Partial<CorkableSocket> })._sock;
  if (
    !socket ||
    typeof socket.cork !== 'function' ||
    typeof socket.uncork !== 'function' ||
    typeof socket.prependListener !== 'function' ||
    typeof socket.on !== 'function'
  ) {
    return null;
  }
  return socket as CorkableSocket;
}

/**
 * Makes a burst of SFTP requests leave in one socket write. ssh2 writes
 * every SSH packet to the socket on its own, so a refill of many small
 * READ requests costs one system call each; with the socket corked around
 * the burst, Node hands them to the kernel with a single writev. The
 * socket is ssh2's private `_sock`; if it is not there, bursts run as they are.
 */
export function socketBatcher(client: Client): SendBatcher {
  const socket = socketOf(client);
  if (socket === null) return (burst) => burst();
  return (burst) => {
    socket.cork();
    try {
      burst();
    } finally {
      socket.uncork();
    }
  };
}

/**
 * Keeps the socket corked while ssh2 handles each chunk it receives, so
 * everything that chunk makes ssh2 send leaves in one write: the window
 * top-ups, and above all the WRITE packets ssh2 held back for lack of
 * server window and releases, one socket write per SSH packet, when the
 * server's WINDOW_ADJUST arrives. Call once the connection is up (ssh2
 * starts listening to the socket during the handshake; the first listener
 * here runs before it, the second after). Does nothing if ssh2's private
 * socket is not there.
 */
export function batchWritesPerReceivedChunk(client: Client): void {
  const socket = socketOf(client);
  if (socket === null) return;
  socket.prependListener('data', () => socket.cork());
  socket.on('data', () => socket.uncork());
}
