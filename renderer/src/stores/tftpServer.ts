import { create } from 'zustand';
import type { InvokeArgs, TftpServerStatus, TftpServerTransfer } from '../../../shared/contract';
import { errorMessage, ferry } from '../ipc/ferry';
import { TFTP_SERVER_STOPPED } from '../../../shared/tftpServerStopped';

/** Transfers the list keeps; older finished ones drop off. */
const MAX_TRANSFERS = 200;

export type TftpServerConfig = InvokeArgs<'tftpServer.start'>[0];

/**
 * Ferry's TFTP server as the window sees it: whether it runs, the live
 * list of its transfers (newest first), and the last failure to start or
 * stop it.
 */
export interface TftpServerState {
  status: TftpServerStatus;
  transfers: TftpServerTransfer[];
  /** A start or stop is under way. */
  busy: boolean;
  error: string | null;
  /** Loads the status and subscribes to the server's events; safe to call more than once. */
  start(): void;
  serve(config: TftpServerConfig): Promise<void>;
  stop(): Promise<void>;
  clearError(): void;
}

let started = false;

export const useTftpServer = create<TftpServerState>()((set, get) => {
  /** Adds a transfer event, replacing the earlier one of the same transfer. */
  const record = (transfer: TftpServerTransfer): void => {
    const others = get().transfers.filter((t) => t.id !== transfer.id);
    const transfers = [transfer, ...others].sort((a, b) => b.id - a.id).slice(0, MAX_TRANSFERS);
    set({ transfers });
  };

  return {
    status: TFTP_SERVER_STOPPED,
    transfers: [],
    busy: false,
    error: null,

    start() {
      if (started) return;
      started = true;
      ferry.tftpServer.onStatus((status) => set({ status }));
      ferry.tftpServer.onTransfer(record);
      const before = get().status;
      ferry.tftpServer.status().then(
        // A start, stop or event that landed first is newer than this answer.
        (status) => {
          if (get().status === before) set({ status });
        },
        (error: unknown) => set({ error: errorMessage(error) }),
      );
    },

    async serve(config) {
      set({ busy: true, error: null });
      try {
        set({ status: await ferry.tftpServer.start(config) });
      } catch (error) {
        set({ error: errorMessage(error) });
      } finally {
        set({ busy: false });
      }
    },

    async stop() {
      set({ busy: true, error: null });
      try {
        set({ status: await ferry.tftpServer.stop() });
      } catch (error) {
        set({ error: errorMessage(error) });
      } finally {
        set({ busy: false });
      }
    },

    clearError() {
      set({ error: null });
    },
  };
});
