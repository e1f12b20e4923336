import { useState } from 'react';
import { parseExpectedHash } from '../../../shared/expectedHash';
import { displayName } from '../../../shared/names';
import { errorMessage } from '../ipc/ferry';
import { Dialog, initialFocus } from './Dialog';

/**
 * Asks for the hash a vendor published for a file (`sha256:…`, `md5:…`),
 * so the download is checked against it and kept only when it matches.
 */
export function VerifyChecksumDialog({
  name,
  onCancel,
  onVerify,
}: {
  name: string;
  onCancel: () => void;
  onVerify: (expectedHash: string) => void;
}) {
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

  return (
    <Dialog title="Verify checksum" onCancel={onCancel}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          try {
            const hash = parseExpectedHash(text);
            onVerify(`${hash.algorithm}:${hash.hex}`);
          } catch (error) {
            setProblem(errorMessage(error));
          }
        }}
      >
        <p className="dialog-message">
          Download <strong>{displayName(name)}</strong> and keep it only if it has this hash.
        </p>
        <label className="dialog-field">
          Expected hash
          <input
            {...initialFocus}
            value={text}
            placeholder="sha256:9f86d081884c7d65…"
            spellCheck={false}
            aria-invalid={problem !== null}
            onChange={(event) => {
              setText(event.target.value);
              setProblem(null);
            }}
          />
        </label>
        {problem !== null && (
          <p className="dialog-error" role="alert">
            {problem}
          </p>
        )}
        <div className="dialog-buttons">
          <button type="submit">Verify</button>
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
