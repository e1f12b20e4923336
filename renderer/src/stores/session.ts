import { create } from 'zustand';
import type { ConnectedSite, InvokeArgs, ServerPromptEvent } from '../../../shared/contract';
import { FerryError, type FerryErrorDetails } from '../../../shared/errors';
import { siteKeyOf } from '../../../shared/siteKey';
import { parseFerryUrl } from '../../../shared/url';
import { quickConnectTarget, type QuickConnectForm } from '../../../shared/quickConnect';
import { errorMessage, ferry } from '../ipc/ferry';

type ConnectRequest = InvokeArgs<'sessions.connect'>[0];

/**
 * A key or certificate the user must judge before the connection goes on:
 * an unknown SSH host key, a changed one (a hard stop), or a TLS
 * certificate the system does not trust.
 */
export interface TrustQuestion {
  kind: 'hostKeyUnknown' | 'hostKeyChanged' | 'certificate';
  message: string;
  details: FerryErrorDetails;
  /** The connection to retry once the user trusts it. */
  request: ConnectRequest;
}

export type TrustAnswer = 'once' | 'always' | 'cancel';

/** The quick-connect bar's fields, without the password (never kept after a connect). */
export type ConnectForm = QuickConnectForm & { passive: boolean };

export interface SessionState {
  /** The connected site, or null. */
  site: ConnectedSite | null;
  connecting: boolean;
  /** Why the last connect failed, until the next attempt. */
  error: string | null;
  trust: TrustQuestion | null;
  /** SSH servers' questions the password cannot answer (a one-time code), oldest first. */
  prompts: ServerPromptEvent[];
  /** Subscribes to the servers' questions; safe to call more than once. */
  start: () => void;
  /** True when the form's password was used (connected, or a trust question holds the request); false to let the person fix the form and try again. */
  connect: (form: ConnectForm) => Promise<boolean>;
  disconnect: () => Promise<void>;
  answerTrust: (answer: TrustAnswer) => Promise<void>;
  /** Answers a server's question, one answer per prompt; null declines it. */
  answerPrompt: (prompt: ServerPromptEvent, answers: string[] | null) => Promise<void>;
  clearError: () => void;
}

let started = false;

const TRUST_KINDS: Partial<Record<string, TrustQuestion['kind']>> = {
  HOSTKEY_UNKNOWN: 'hostKeyUnknown',
  HOSTKEY_MISMATCH: 'hostKeyChanged',
  TLS_UNTRUSTED: 'certificate',
};

/**
 * The connection the remote pane shows. One site at a time, as in
 * FileZilla's single-tab window; connecting elsewhere closes the previous
 * site (its queued transfers wait until it is connected again).
 */
export const useSession = create<SessionState>()((set, get) => {
  /** Connects; true once the request (and its password) is used: connected, or waiting in a trust question. */
  const attempt = async (request: ConnectRequest): Promise<boolean> => {
    set({ connecting: true, error: null, trust: null });
    const key = siteKeyOf(parseFerryUrl(request.url));
    try {
      const previous = get().site;
      const site = await ferry.sessions.connect(request);
      if (previous !== null && previous.site !== site.site) await ferry.sessions.disconnect(previous.site);
      set({ site, connecting: false });
      return true;
    } catch (error) {
      // Connecting again to the site shown closes its session before the
      // new login: when that login does not succeed, nothing of it is left open.
      const previous = get().site;
      const closed = previous !== null && previous.site === key ? { site: null } : {};
      const kind = error instanceof FerryError ? TRUST_KINDS[error.code] : undefined;
      if (kind !== undefined && error instanceof FerryError && error.details !== undefined) {
        set({ connecting: false, trust: { kind, message: error.message, details: error.details, request }, ...closed });
        return true;
      }
      set({ connecting: false, error: errorMessage(error), ...closed });
      return false;
    } finally {
      // The login is over either way: a question it left open (the server
      // dropped the connection while a one-time code was asked) is moot.
      set({ prompts: get().prompts.filter((prompt) => prompt.site !== key) });
    }
  };

  return {
    site: null,
    connecting: false,
    error: null,
    trust: null,
    prompts: [],

    start() {
      if (started) return;
      started = true;
      ferry.sessions.onPrompt((prompt) => set({ prompts: [...get().prompts, prompt] }));
      // A window that opens (or reloads) while a site is connected shows the newest one.
      ferry.sessions.list().then(
        (sites) => {
          const newest = sites.at(-1);
          if (newest !== undefined && get().site === null && !get().connecting) set({ site: newest });
        },
        (error: unknown) => set({ error: errorMessage(error) }),
      );
      // Questions a server asked before this window opened (or reloaded) still wait.
      ferry.sessions.prompts().then(
        (waiting) => {
          const shown = new Set(get().prompts.map((prompt) => prompt.id));
          set({ prompts: [...waiting.filter((prompt) => !shown.has(prompt.id)), ...get().prompts] });
        },
        (error: unknown) => set({ error: errorMessage(error) }),
      );
    },

    async connect(form) {
      let target;
      try {
        target = quickConnectTarget(form);
      } catch (error) {
        set({ error: errorMessage(error) });
        return false;
      }
      const request: ConnectRequest = { url: target.url };
      if (target.password !== undefined) request.password = target.password;
      if (target.scheme === 'ftp' || target.scheme === 'ftpes' || target.scheme === 'ftps') {
        request.ftpMode = form.passive ? 'passive' : 'active';
      }
      return attempt(request);
    },

    async disconnect() {
      const site = get().site;
      if (site === null) return;
      set({ site: null, error: null });
      try {
        await ferry.sessions.disconnect(site.site);
      } catch (error) {
        set({ error: errorMessage(error) });
      }
    },

    async answerTrust(answer) {
      const question = get().trust;
      if (question === null) return;
      // SSH host keys carry `fingerprint` (SHA256:base64), certificates `fingerprint256` (hex).
      const fingerprint = question.details['fingerprint'] ?? question.details['fingerprint256'];
      if (answer === 'cancel' || question.kind === 'hostKeyChanged' || typeof fingerprint !== 'string') {
        set({ trust: null, error: answer === 'cancel' ? 'Connection canceled: the server was not trusted.' : null });
        return;
      }
      // Trusting names the exact fingerprint shown, so a different key
      // presented on the retry is refused rather than trusted by accident.
      await attempt({ ...question.request, trustFingerprint: fingerprint, rememberTrust: answer === 'always' });
    },

    async answerPrompt(prompt, answers) {
      set({ prompts: get().prompts.filter((p) => p.id !== prompt.id) });
      try {
        await ferry.sessions.answerPrompt(prompt.id, answers);
      } catch (error) {
        set({ error: errorMessage(error) });
      }
    },

    clearError() {
      set({ error: null });
    },
  };
});
