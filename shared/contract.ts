import { z } from 'zod';
import { folderListingSchema } from './entries.js';
import { ferryErrorShapeSchema } from './errors.js';
import { isAbsolutePath, unsafeNameReason } from './names.js';

/**
 * The IPC contract between the renderer and the main process: the only
 * channels that exist. `invokes` are request → response; `events` flow from
 * main to the renderer. Channel names are `group.name`; the preload turns
 * them into `window.ferry.group.name(...)` and `window.ferry.group.onName(...)`.
 *
 * Every argument list has a zod schema that the main side checks before it
 * calls anything. Results are typed by schema too, but trusted: they come
 * from our own code.
 */

/** An absolute local path, with no NUL that could truncate it in a syscall. */
const absolutePath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => !p.includes('\0'), 'path contains a NUL character')
  .refine(isAbsolutePath, 'path must be absolute');

/** One name inside a folder; never a path, so it cannot escape the folder. */
const entryName = z.string().superRefine((name, ctx) => {
  const reason = unsafeNameReason(name);
  if (reason !== null) ctx.addIssue({ code: 'custom', message: reason });
});

export const logEntrySchema = z.object({
  id: z.number().int(),
  time: z.number(),
  /** The session the line belongs to, or null for the app itself. */
  session: z.string().nullable(),
  kind: z.enum(['info', 'error', 'command', 'reply']),
  text: z.string(),
});
export type LogEntry = z.infer<typeof logEntrySchema>;

interface InvokeSpec {
  args: z.ZodTuple;
  result: z.ZodType;
}

export const invokes = {
  /** The user's home folder, where the local pane starts. */
  'local.home': { args: z.tuple([]), result: z.string() },
  /** Lists a local folder. */
  'local.list': { args: z.tuple([absolutePath]), result: folderListingSchema },
  /** Creates `name` inside `folder`. */
  'local.mkdir': { args: z.tuple([absolutePath, entryName]), result: z.void() },
  /** Renames `from` to `to` inside `folder`; never replaces an existing entry. */
  'local.rename': { args: z.tuple([absolutePath, entryName, entryName]), result: z.void() },
  /** Deletes entries of `folder`, folders recursively. The renderer confirms first. */
  'local.delete': { args: z.tuple([absolutePath, z.array(entryName).min(1).max(100_000)]), result: z.void() },
  /** The message log so far (bounded), for a window that opens late. */
  'log.history': { args: z.tuple([]), result: z.array(logEntrySchema) },
} as const satisfies Record<string, InvokeSpec>;

export const events = {
  /** A new line in the message log. */
  'log.entry': logEntrySchema,
} as const satisfies Record<string, z.ZodType>;

export type Invokes = typeof invokes;
export type Events = typeof events;
export type InvokeChannel = keyof Invokes;
export type EventChannel = keyof Events;
export type InvokeArgs<C extends InvokeChannel> = z.input<Invokes[C]['args']>;
export type InvokeResult<C extends InvokeChannel> = z.output<Invokes[C]['result']>;
export type EventPayload<C extends EventChannel> = z.output<Events[C]>;

export const INVOKE_CHANNELS = Object.keys(invokes) as InvokeChannel[];
export const EVENT_CHANNELS = Object.keys(events) as EventChannel[];

export function isInvokeChannel(channel: unknown): channel is InvokeChannel {
  return typeof channel === 'string' && Object.hasOwn(invokes, channel);
}

/**
 * What every invoke resolves to across the boundary. Electron keeps only the
 * message of a thrown error, so failures travel as data and the renderer
 * client rethrows them as FerryError.
 */
export const envelopeSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: ferryErrorShapeSchema }),
]);
export type Envelope<T = unknown> =
  { ok: true; value: T } | { ok: false; error: z.infer<typeof ferryErrorShapeSchema> };
