import { useState } from 'react';
import type { OverwriteQuestionEvent } from '../../../shared/contract';
import { compareFileTimes } from '../../../shared/fileTimes';
import { formatSize, formatTime } from '../../../shared/format';
import { displayName } from '../../../shared/names';
import type { OverwriteAnswer } from '../stores/transfers';
import { Dialog, initialFocus } from './Dialog';

type Facts = OverwriteQuestionEvent['source'];

function describe(facts: Facts): string {
  const size =
    facts.size === null ? 'unknown size' : `${formatSize(facts.size)} (${facts.size.toLocaleString()} bytes)`;
  const time = facts.modified === null ? 'time unknown' : `modified ${formatTime(facts.modified)}`;
  return `${size}, ${time}`;
}

/**
 * "The target exists": shows both files and lets the user overwrite,
 * resume (continue a shorter target), rename the new file or skip it,
 * for this file or for every conflict that follows. Escape skips, so
 * nothing is overwritten unasked.
 */
export function FileExistsDialog({
  question,
  onAnswer,
}: {
  question: OverwriteQuestionEvent;
  onAnswer: (answer: OverwriteAnswer) => void;
}) {
  const [applyToAll, setApplyToAll] = useState(false);
  const answer = (action: OverwriteAnswer['action']) => onAnswer({ action, applyToAll });
  // At the coarser side's resolution: a server's whole seconds or a listing's minutes are not "older" than the same time to the millisecond.
  const order =
    question.source.modified !== null && question.existing.modified !== null
      ? compareFileTimes(question.source.modified, question.existing.modified)
      : 0;
  const newer = order > 0 ? ' The file being transferred is newer.' : order < 0 ? ' The existing file is newer.' : '';

  // Only a shorter (or equal) copy can be the start of the new file; as in
  // WinSCP, Resume is not offered for a longer one, which it would replace.
  const resumable =
    question.source.size !== null && question.existing.size !== null && question.existing.size <= question.source.size;

  return (
    <Dialog title="File exists" onCancel={() => answer('skip')}>
      <p className="dialog-message">
        <strong>{displayName(question.target)}</strong> already exists.{newer}
      </p>
      <dl className="dialog-facts">
        <dt>Existing file</dt>
        <dd>{describe(question.existing)}</dd>
        <dt>New file</dt>
        <dd>{describe(question.source)}</dd>
      </dl>
      <label className="toggle">
        <input type="checkbox" checked={applyToAll} onChange={(e) => setApplyToAll(e.target.checked)} />
        Apply to all
      </label>
      <div className="dialog-buttons">
        <button type="button" className="danger" onClick={() => answer('overwrite')}>
          Overwrite
        </button>
        <button
          type="button"
          disabled={!resumable}
          onClick={() => answer('resume')}
          title={
            resumable
              ? 'Continue the existing file where it stops'
              : 'The existing file is not a shorter copy of this one, so there is nothing to continue'
          }
        >
          Resume
        </button>
        <button type="button" onClick={() => answer('rename')} title="Keep both: the new file gets a numbered name">
          Rename
        </button>
        <button type="button" {...initialFocus} onClick={() => answer('skip')}>
          Skip
        </button>
      </div>
    </Dialog>
  );
}
