/** Where a command writes; tests pass buffers, the binary passes the process streams. */
export interface CliOutput {
  out(text: string): void;
  err(text: string): void;
}
