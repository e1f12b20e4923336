import { z } from 'zod';
import { fileEntrySchema, folderListingSchema } from './entrySchemas.js';
import { ferryErrorShapeSchema } from './errorShapeSchema.js';
import { isAbsolutePath, unsafeNameReason } from './names.js';
import { newTransferSchema, queueTotalsSchema, speedLimitSchema, transferJobSchema } from './transfers.js';

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

/** Whether Ferry's TFTP server runs, and how. */
export const tftpServerStatusSchema = z.object({
  running: z.boolean(),
  /** The served folder (its real path), while running. */
  folder: z.string().nullable(),
  address: z.string().nullable(),
  port: z.number().int().nullable(),
  writable: z.boolean(),
  overwrite: z.boolean(),
});
export type TftpServerStatus = z.infer<typeof tftpServerStatusSchema>;

/** One transfer of the TFTP server, for the live list: sent at its start, as it moves (sampled) and at its end. */
export const tftpServerTransferSchema = z.object({
  id: z.number().int(),
  /** The client's address and port, e.g. `192.0.2.7:51234` or `[::1]:51234`. */
  client: z.string(),
  /** The file name the client asked for. */
  file: z.string(),
  /** `read`: the client downloads; `write`: it uploads. */
  direction: z.enum(['read', 'write']),
  bytes: z.number(),
  /** The file's size or the announced tsize, when known. */
  size: z.number().nullable(),
  state: z.enum(['running', 'done', 'failed']),
  error: z.string().nullable(),
  startedAt: z.number(),
  finishedAt: z.number().nullable(),
});
export type TftpServerTransfer = z.infer<typeof tftpServerTransferSchema>;

/** What to serve and how; the address is an IP address (a server binds one), checked again on the main side. */
const tftpServerStartSchema = z.object({
  folder: absolutePath,
  address: z
    .string()
    .min(2)
    .max(64)
    .regex(/^[0-9A-Fa-f:.]+$/, 'must be an IPv4 or IPv6 address'),
  port: z.number().int().min(1).max(65535),
  writable: z.boolean(),
  overwrite: z.boolean(),
});

/** How the renderer asks to open a session; the password never comes back. */
const connectRequestSchema = z.object({
  url: z.string().min(1).max(2048),
  password: z.string().max(1024).optional(),
  ftpMode: z.enum(['passive', 'active']).optional(),
  trustFingerprint: z.string().max(200).optional(),
  /** Remember `trustFingerprint` for this server (known_hosts, or a pinned certificate). */
  rememberTrust: z.boolean().optional(),
  limit: z.number().int().min(1).max(16).optional(),
});

export const connectedSiteSchema = z.object({
  /** The site's key: its URL without the password. */
  site: z.string(),
  protocol: z.enum(['ftp', 'sftp', 'tftp', 'file']),
  initialFolder: z.string(),
  capabilities: z.object({
    list: z.boolean(),
    stat: z.boolean(),
    mkdir: z.boolean(),
    delete: z.boolean(),
    rename: z.boolean(),
    chmod: z.boolean(),
    setModified: z.boolean(),
    resumeDownload: z.boolean(),
    resumeUpload: z.boolean(),
    hash: z.array(z.string()),
    symlinks: z.boolean(),
  }),
});
export type ConnectedSite = z.infer<typeof connectedSiteSchema>;

const siteKey = z.string().min(1).max(2048);
const remotePath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => !/[\0\r\n]/.test(p), 'path contains NUL, CR or LF');

const factsSchema = z.object({ size: z.number().nullable(), modified: z.number().nullable() });

/** "The file exists": asked when the overwrite policy is `ask`. */
export const overwriteQuestionSchema = z.object({
  id: z.number().int(),
  jobId: z.string(),
  target: z.string(),
  source: factsSchema,
  existing: factsSchema,
});
export type OverwriteQuestionEvent = z.infer<typeof overwriteQuestionSchema>;

const overwriteAnswerSchema = z.object({
  action: z.enum(['overwrite', 'resume', 'rename', 'skip']),
  applyToAll: z.boolean(),
});

const jobId = z.string().min(1).max(100);

/** A keyboard-interactive round from an SSH server (a one-time code, say) that the password cannot answer. */
export const serverPromptSchema = z.object({
  id: z.number().int(),
  site: z.string(),
  /** The server's name for the round, often empty. */
  name: z.string(),
  instructions: z.string(),
  /** Each question; `echo` false means a secret. */
  prompts: z.array(z.object({ prompt: z.string(), echo: z.boolean() })),
});
export type ServerPromptEvent = z.infer<typeof serverPromptSchema>;

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
  /** Starts serving a folder over TFTP (read-only unless `writable`); fails if it already runs. */
  'tftpServer.start': { args: z.tuple([tftpServerStartSchema]), result: tftpServerStatusSchema },
  /** Stops the TFTP server, canceling its transfers; fine when it is not running. */
  'tftpServer.stop': { args: z.tuple([]), result: tftpServerStatusSchema },
  /** Whether the TFTP server runs, for a window that opens late. */
  'tftpServer.status': { args: z.tuple([]), result: tftpServerStatusSchema },
  /** Connects to a server (one browsing session plus a transfer pool); saved transfers for it resume. */
  'sessions.connect': { args: z.tuple([connectRequestSchema]), result: connectedSiteSchema },
  /** Answers a `sessions.prompt`, one answer per question; null declines it. */
  'sessions.answerPrompt': {
    args: z.tuple([z.number().int(), z.array(z.string().max(1024)).max(32).nullable()]),
    result: z.void(),
  },
  /** The connected sites, oldest first, for a window that opens (or reloads) while they are. */
  'sessions.list': { args: z.tuple([]), result: z.array(connectedSiteSchema) },
  /** The server questions still waiting, for a window that opens (or reloads) while one is asked. */
  'sessions.prompts': { args: z.tuple([]), result: z.array(serverPromptSchema) },
  /** Closes a site's sessions; its queued transfers wait until it is connected again. */
  'sessions.disconnect': { args: z.tuple([siteKey]), result: z.void() },
  /** Lists a remote folder. */
  'remote.list': { args: z.tuple([siteKey, remotePath]), result: z.array(fileEntrySchema) },
  /** Creates `name` inside a remote folder. */
  'remote.mkdir': { args: z.tuple([siteKey, remotePath, entryName]), result: z.void() },
  /** Renames `from` to `to` inside a remote folder. */
  'remote.rename': { args: z.tuple([siteKey, remotePath, entryName, entryName]), result: z.void() },
  /** Deletes entries of a remote folder, folders with everything in them. The renderer confirms first. */
  'remote.delete': {
    args: z.tuple([siteKey, remotePath, z.array(entryName).min(1).max(100_000)]),
    result: z.void(),
  },
  /** Adds transfers at the end of the queue. */
  'transfers.add': {
    args: z.tuple([z.array(newTransferSchema).min(1).max(100_000)]),
    result: z.array(transferJobSchema),
  },
  /** Every job: waiting and running first, then failed, then finished. */
  'transfers.list': { args: z.tuple([]), result: z.array(transferJobSchema) },
  'transfers.pause': { args: z.tuple([jobId]), result: z.void() },
  'transfers.resume': { args: z.tuple([jobId]), result: z.void() },
  'transfers.cancel': { args: z.tuple([jobId]), result: z.void() },
  'transfers.retry': { args: z.tuple([jobId]), result: z.void() },
  'transfers.pauseAll': { args: z.tuple([]), result: z.void() },
  'transfers.resumeAll': { args: z.tuple([]), result: z.void() },
  /** Cancels every waiting, running and paused transfer; partial files stay. */
  'transfers.cancelAll': { args: z.tuple([]), result: z.void() },
  'transfers.retryAllFailed': { args: z.tuple([]), result: z.void() },
  /** Moves a waiting transfer to a place in the queue (0 runs next). */
  'transfers.move': { args: z.tuple([jobId, z.number().int().min(0)]), result: z.void() },
  /** Takes a transfer off the failed list. */
  'transfers.remove': { args: z.tuple([jobId]), result: z.void() },
  /** Empties the failed or the successful list. */
  'transfers.clear': { args: z.tuple([z.enum(['failed', 'succeeded'])]), result: z.void() },
  'transfers.speedLimit': { args: z.tuple([]), result: speedLimitSchema },
  /** Limits all transfers together, running ones at once; kept for the next start. */
  'transfers.setSpeedLimit': { args: z.tuple([speedLimitSchema]), result: z.void() },
  /** The "file exists" questions still waiting, for a window that opens (or reloads) while one is asked. */
  'transfers.questions': { args: z.tuple([]), result: z.array(overwriteQuestionSchema) },
  /** Answers a `transfers.question`. */
  'transfers.answer': { args: z.tuple([z.number().int(), overwriteAnswerSchema]), result: z.void() },
} as const satisfies Record<string, InvokeSpec>;

export const events = {
  /** A new line in the message log. */
  'log.entry': logEntrySchema,
  /** The TFTP server started or stopped. */
  'tftpServer.status': tftpServerStatusSchema,
  /** A TFTP server transfer started, moved on or ended. */
  'tftpServer.transfer': tftpServerTransferSchema,
  /** Jobs that changed, batched (at most ten times a second). */
  'transfers.changed': z.array(transferJobSchema),
  /** An SSH server asks something the password cannot answer; answer with `sessions.answerPrompt`. */
  'sessions.prompt': serverPromptSchema,
  /** A destination exists and the policy is to ask. */
  'transfers.question': overwriteQuestionSchema,
  /** The queue's totals, sent with each batch of changes. */
  'transfers.totals': queueTotalsSchema,
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
