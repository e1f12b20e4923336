import { useState } from 'react';

export interface PathBoxProps {
  /** Accessible name, e.g. `Local path`. */
  label: string;
  /** The folder currently shown. */
  path: string;
  disabled?: boolean;
  onNavigate: (path: string) => void;
}

/** An editable path: Enter goes there, Escape or leaving the box restores the current folder. */
export function PathBox({ label, path, disabled, onNavigate }: PathBoxProps) {
  // null while the user is not editing: the box then simply shows `path`.
  const [draft, setDraft] = useState<string | null>(null);

  return (
    <input
      className="path-box"
      type="text"
      aria-label={label}
      spellCheck={false}
      autoComplete="off"
      disabled={disabled}
      value={draft ?? path}
      onChange={(event) => setDraft(event.target.value)}
      onKeyDown={(event) => {
        if (event.key === 'Enter' && draft !== null && draft.trim() !== '') {
          onNavigate(draft.trim());
          setDraft(null);
        }
        if (event.key === 'Escape') setDraft(null);
      }}
      onBlur={() => setDraft(null)}
    />
  );
}
