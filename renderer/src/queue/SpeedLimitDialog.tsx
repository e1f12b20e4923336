import { useState } from 'react';
import type { SpeedLimit } from '../../../shared/transfers';
import { Dialog, initialFocus } from '../prompts/Dialog';

const KIB = 1024;

/** A limit as the field shows it: KiB/s, empty for none. */
const fieldText = (bytesPerSecond: number): string =>
  bytesPerSecond === 0 ? '' : String(Math.round(bytesPerSecond / KIB));

/** What a field holds in bytes per second (empty or 0: none), or null when it is no whole number. */
function bytesFrom(text: string): number | null {
  const trimmed = text.trim();
  if (trimmed === '') return 0;
  if (!/^\d+$/.test(trimmed)) return null;
  return Number(trimmed) * KIB;
}

/**
 * Sets the speed limit of all transfers together, each way, in KiB/s; an
 * empty field (or 0) is no limit. Running transfers slow down at once.
 */
export function SpeedLimitDialog({
  limit,
  onSave,
  onCancel,
}: {
  limit: SpeedLimit;
  onSave: (limit: SpeedLimit) => void;
  onCancel: () => void;
}) {
  const [download, setDownload] = useState(fieldText(limit.download));
  const [upload, setUpload] = useState(fieldText(limit.upload));
  const downloadBytes = bytesFrom(download);
  const uploadBytes = bytesFrom(upload);
  const valid = downloadBytes !== null && uploadBytes !== null;

  return (
    <Dialog title="Speed limit" onCancel={onCancel}>
      <form
        method="dialog"
        onSubmit={(event) => {
          event.preventDefault();
          if (downloadBytes !== null && uploadBytes !== null) onSave({ download: downloadBytes, upload: uploadBytes });
        }}
      >
        <p className="dialog-message">
          For all transfers together, in KiB per second. Leave a field empty for no limit.
        </p>
        <label className="dialog-field">
          Downloads (KiB/s)
          <input
            {...initialFocus}
            inputMode="numeric"
            aria-invalid={downloadBytes === null}
            value={download}
            placeholder="No limit"
            onChange={(event) => setDownload(event.target.value)}
          />
        </label>
        <label className="dialog-field">
          Uploads (KiB/s)
          <input
            inputMode="numeric"
            aria-invalid={uploadBytes === null}
            value={upload}
            placeholder="No limit"
            onChange={(event) => setUpload(event.target.value)}
          />
        </label>
        {!valid && (
          <p className="dialog-error" role="alert">
            Type a whole number of KiB per second, or leave the field empty.
          </p>
        )}
        <div className="dialog-buttons">
          <button type="submit" disabled={!valid}>
            Save
          </button>
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
