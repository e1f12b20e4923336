import { ZodError } from 'zod';
import {
  invokes,
  isInvokeChannel,
  type Envelope,
  type InvokeArgs,
  type InvokeChannel,
  type InvokeResult,
} from '../../shared/contract.js';
import { FerryError } from '../../shared/errors.js';

/** One function per invoke channel, taking the validated arguments. */
export type Handlers = {
  [C in InvokeChannel]: (...args: InvokeArgs<C>) => Promise<InvokeResult<C>> | InvokeResult<C>;
};

export interface Router {
  /**
   * Runs one invoke: checks the channel exists, validates the raw arguments
   * against the contract, calls the handler, and wraps the outcome in an
   * envelope. Never throws: every failure becomes `{ ok: false, error }`.
   */
  invoke(channel: unknown, rawArgs: unknown): Promise<Envelope>;
}

function describeZodError(error: ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length > 0 ? `argument ${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

/** Maps anything thrown by a handler to the error that crosses the boundary. */
export function toFerryError(error: unknown): FerryError {
  if (error instanceof FerryError) return error;
  if (error instanceof ZodError) return new FerryError('INVALID_INPUT', describeZodError(error));
  const message = error instanceof Error ? error.message : String(error);
  // Not a failure we anticipated: report it honestly rather than guess a cause.
  return new FerryError('LOCAL_IO', `Unexpected error in Ferry: ${message}`, { cause: error });
}

export function createRouter(handlers: Handlers, onUnexpected: (error: unknown) => void = () => {}): Router {
  return {
    async invoke(channel, rawArgs) {
      if (!isInvokeChannel(channel)) {
        return { ok: false, error: new FerryError('INVALID_INPUT', `Unknown channel ${String(channel)}`).toShape() };
      }
      try {
        const args = invokes[channel].args.parse(rawArgs) as unknown[];
        const handler = handlers[channel] as (...a: unknown[]) => unknown;
        const value = await handler(...args);
        return { ok: true, value };
      } catch (error) {
        if (!(error instanceof FerryError) && !(error instanceof ZodError)) onUnexpected(error);
        return { ok: false, error: toFerryError(error).toShape() };
      }
    },
  };
}
