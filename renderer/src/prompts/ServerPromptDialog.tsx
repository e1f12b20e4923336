import { useState } from 'react';
import type { ServerPromptEvent } from '../../../shared/contract';
import { displayName } from '../../../shared/names';
import { Dialog, initialFocus } from './Dialog';

/**
 * An SSH server's keyboard-interactive question that the password cannot
 * answer, such as a one-time code: one field per question, hidden unless
 * the server says the answer may be shown. Cancel declines, which ends
 * the login.
 */
export function ServerPromptDialog({
  prompt,
  onAnswer,
}: {
  prompt: ServerPromptEvent;
  onAnswer: (answers: string[] | null) => void;
}) {
  const [answers, setAnswers] = useState<string[]>(() => prompt.prompts.map(() => ''));

  return (
    <Dialog title="Server question" onCancel={() => onAnswer(null)}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          onAnswer(answers);
        }}
      >
        <p className="dialog-message">
          {/* Server text is shown escaped: it must not pose as Ferry's own words. */}
          {displayName(prompt.site)} asks{prompt.name === '' ? '' : ` (${displayName(prompt.name)})`}:
        </p>
        {prompt.instructions !== '' && <p className="dialog-message">{displayName(prompt.instructions)}</p>}
        {prompt.prompts.map((question, index) => (
          <label key={index} className="dialog-field">
            {displayName(question.prompt.trim())}
            <input
              type={question.echo ? 'text' : 'password'}
              {...(index === 0 ? initialFocus : {})}
              autoComplete="one-time-code"
              value={answers[index] ?? ''}
              onChange={(event) => setAnswers(answers.map((a, i) => (i === index ? event.target.value : a)))}
            />
          </label>
        ))}
        <div className="dialog-buttons">
          <button type="submit">Answer</button>
          <button type="button" onClick={() => onAnswer(null)}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
