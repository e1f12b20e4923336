/** Where a command writes; tests pass buffers, the binary passes the process streams. */
export interface CliOutput {
  out(text: string): void;
  err(text: string): void;
}

/** Control characters (C0 but tab and newline, DEL, C1: some terminals obey U+009B as CSI) and bidirectional overrides. */
// eslint-disable-next-line no-control-regex
const UNSAFE_FOR_TERMINALS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u200e\u200f]/g;

/**
 * Text with every control character written as `\uNNNN`, except the
 * newlines and tabs that lay it out. What the CLI prints carries text it
 * does not control: names and replies from servers, file names a TFTP
 * client asks for, local paths. An escape sequence in any of them could
 * rewrite what the terminal shows (a fake "verified" line, a hidden error)
 * or change its settings. The `\uNNNN` form keeps --json lines valid JSON
 * that still decodes to the original text.
 */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE_FOR_TERMINALS, (ch) => `\\u${(ch.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`);
}

/** `output` with everything written to it made terminal-safe. */
export function terminalSafeOutput(output: CliOutput): CliOutput {
  return {
    out: (text) => output.out(terminalSafe(text)),
    err: (text) => output.err(terminalSafe(text)),
  };
}
