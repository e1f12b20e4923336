import { z } from 'zod';
import type { Envelope } from '../../shared/contract.js';

/**
 * Browser mode's wire format over the WebSocket. The browser sends invokes
 * with an id; the server answers each with its envelope, and pushes events.
 */
export const clientMessageSchema = z.object({
  id: z.number().int().nonnegative(),
  channel: z.string().max(100),
  args: z.array(z.unknown()).max(16),
});
export type ClientMessage = z.infer<typeof clientMessageSchema>;

export type ServerMessage =
  { type: 'result'; id: number; envelope: Envelope } | { type: 'event'; channel: string; payload: unknown };

/** Upper bound on one message from the browser; invokes carry names and paths, not data. */
export const MAX_CLIENT_MESSAGE_BYTES = 1024 * 1024;
