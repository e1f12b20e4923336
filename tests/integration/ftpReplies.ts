// A small FTP control-connection reader for tests: parses replies (RFC 959
// section 4.2, including multi-line "123-... / 123 ..." replies) from a socket
// and hands them out one at a time with a bounded wait.
import type { Duplex } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

export interface FtpReply {
  code: number;
  /** Every line of the reply, without CRLF. */
  lines: string[];
}

interface Waiter {
  resolve: (reply: FtpReply) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export class FtpReplyReader {
  private readonly decoder = new StringDecoder('utf8');
  private buffer = '';
  private partial: { code: string; lines: string[] } | undefined;
  private readonly replies: FtpReply[] = [];
  private waiter: Waiter | undefined;
  private failure: Error | undefined;

  constructor(
    private readonly socket: Duplex,
    private readonly label: string,
  ) {
    socket.on('data', this.onData);
    socket.on('error', this.onError);
    socket.on('close', this.onClose);
  }

  /** Next reply, or rejects after `timeoutMs` or when the connection fails. */
  next(timeoutMs = 5_000): Promise<FtpReply> {
    const queued = this.replies.shift();
    if (queued) return Promise.resolve(queued);
    if (this.failure) return Promise.reject(this.failure);
    if (this.waiter) return Promise.reject(new Error(`${this.label}: already waiting for a reply`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new Error(`${this.label}: no FTP reply within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiter = { resolve, reject, timer };
    });
  }

  /** Sends a command line and returns its reply. */
  async send(command: string, timeoutMs?: number): Promise<FtpReply> {
    this.socket.write(`${command}\r\n`);
    return this.next(timeoutMs);
  }

  /**
   * Stops reading (e.g. before wrapping the socket in TLS after AUTH TLS).
   * Throws if the server sent anything we have not consumed.
   */
  detach(): void {
    this.socket.off('data', this.onData);
    this.socket.off('error', this.onError);
    this.socket.off('close', this.onClose);
    if (this.buffer !== '' || this.partial || this.replies.length > 0) {
      throw new Error(`${this.label}: unexpected data after the last reply`);
    }
  }

  private readonly onData = (chunk: Buffer | string): void => {
    this.buffer += typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    let end: number;
    while ((end = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, end).replace(/\r$/, '');
      this.buffer = this.buffer.slice(end + 1);
      this.onLine(line);
    }
  };

  private onLine(line: string): void {
    if (this.partial) {
      // Intermediate lines are free text; the reply ends at "<same code><space>".
      this.partial.lines.push(line);
      if (line.startsWith(`${this.partial.code} `)) {
        this.deliver({ code: Number(this.partial.code), lines: this.partial.lines });
        this.partial = undefined;
      }
      return;
    }
    const match = /^(\d{3})([ -])/.exec(line) ?? /^(\d{3})()$/.exec(line);
    if (!match) {
      this.fail(new Error(`${this.label}: malformed FTP reply line ${JSON.stringify(line)}`));
      return;
    }
    const [, code = '', separator] = match;
    if (separator === '-') this.partial = { code, lines: [line] };
    else this.deliver({ code: Number(code), lines: [line] });
  }

  private deliver(reply: FtpReply): void {
    const waiter = this.waiter;
    if (waiter) {
      this.waiter = undefined;
      clearTimeout(waiter.timer);
      waiter.resolve(reply);
    } else {
      this.replies.push(reply);
    }
  }

  private fail(error: Error): void {
    this.failure ??= error;
    const waiter = this.waiter;
    if (waiter) {
      this.waiter = undefined;
      clearTimeout(waiter.timer);
      waiter.reject(this.failure);
    }
  }

  private readonly onError = (error: Error): void => {
    this.fail(new Error(`${this.label}: ${error.message}`));
  };

  private readonly onClose = (): void => {
    this.fail(new Error(`${this.label}: connection closed while waiting for a reply`));
  };
}

/** Formats a reply for assertion messages. */
export function describeReply(reply: FtpReply): string {
  return reply.lines.join(' | ');
}
