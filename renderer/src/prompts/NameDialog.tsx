import { useState } from 'react';
import { unsafeNameReason } from '../../../shared/names';
import { Dialog, initialFocus } from './Dialog';

export interface NameDialogProps {
  title: string;
  /** Accessible name of the text box. */
  fieldLabel: string;
  initial: string;
  confirmLabel: string;
  onConfirm: (name: string) => void;
  onCancel: () => void;
  /** Why a typed name is refused, or null; by default anything that is not one safe name. */
  problemOf?: (name: string) => string | null;
}

/** Asks for one file or folder name and refuses names that are really paths (unless told otherwise). */
export function NameDialog(props: NameDialogProps) {
  const [name, setName] = useState(props.initial);
  const problem = name === '' ? null : (props.problemOf ?? unsafeNameReason)(name);
  const canSubmit = name !== '' && problem === null && name !== props.initial;

  return (
    <Dialog title={props.title} onCancel={props.onCancel}>
      <form
        method="dialog"
        onSubmit={(event) => {
          event.preventDefault();
          if (canSubmit) props.onConfirm(name);
        }}
      >
        <label className="dialog-field">
          {props.fieldLabel}
          <input
            {...initialFocus}
            aria-label={props.fieldLabel}
            aria-invalid={problem !== null}
            value={name}
            onChange={(event) => setName(event.target.value)}
            onFocus={(event) => {
              // Select the stem so typing replaces the name but keeps the extension.
              const dot = event.target.value.lastIndexOf('.');
              event.target.setSelectionRange(0, dot > 0 ? dot : event.target.value.length);
            }}
          />
        </label>
        {problem !== null && (
          <p className="dialog-error" role="alert">
            This name cannot be used: {problem}.
          </p>
        )}
        <div className="dialog-buttons">
          <button type="submit" disabled={!canSubmit}>
            {props.confirmLabel}
          </button>
          <button type="button" onClick={props.onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
