import { useEffect, useId, useRef, type ReactNode } from 'react';

/** Marks the element a dialog focuses when it opens: `{...initialFocus}` on it. */
const INITIAL_FOCUS = 'data-initial-focus';
export const initialFocus = { [INITIAL_FOCUS]: '' } as const;

export interface DialogProps {
  /** The dialog's accessible name and visible title. */
  title: string;
  /** Called on Escape or a Cancel; the dialog does not close itself. */
  onCancel: () => void;
  children: ReactNode;
}

/**
 * A modal dialog on the native `<dialog>` element: the browser traps focus,
 * makes the page behind it inert, and closes on Escape, which we route to
 * `onCancel` so state stays in React.
 */
export function Dialog({ title, onCancel, children }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();

  useEffect(() => {
    const dialog = ref.current;
    // Where focus was, to go back to: the dialog leaves the page when it
    // closes, and the browser would put focus on <body>, making a keyboard
    // user Tab through the whole window again.
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (dialog && !dialog.open) {
      dialog.showModal();
      // showModal() focuses the first focusable element (React's autoFocus
      // ran while the dialog was still closed, so it did nothing); the safe
      // choice each dialog marks, Cancel or Skip, must have it instead, or
      // Enter would delete or trust.
      dialog.querySelector<HTMLElement>(`[${INITIAL_FOCUS}]`)?.focus();
    }
    return () => {
      dialog?.close();
      if (opener?.isConnected === true) opener.focus();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        onCancel();
      }}
    >
      <h2 id={titleId} className="dialog-title">
        {title}
      </h2>
      {children}
    </dialog>
  );
}
