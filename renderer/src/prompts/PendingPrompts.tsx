import { useSession } from '../stores/session';
import { useTransfers } from '../stores/transfers';
import { FileExistsDialog } from './FileExistsDialog';
import { ServerPromptDialog } from './ServerPromptDialog';
import { TrustDialog } from './TrustDialog';

/** The one question the user must answer now: a server's identity, then its login questions, then "file exists". */
export function PendingPrompts() {
  const trust = useSession((state) => state.trust);
  const serverPrompt = useSession((state) => state.prompts[0]);
  const question = useTransfers((state) => state.questions[0]);

  if (trust !== null) {
    return <TrustDialog question={trust} onAnswer={(answer) => void useSession.getState().answerTrust(answer)} />;
  }
  if (serverPrompt !== undefined) {
    return (
      <ServerPromptDialog
        key={serverPrompt.id}
        prompt={serverPrompt}
        onAnswer={(answers) => void useSession.getState().answerPrompt(serverPrompt, answers)}
      />
    );
  }
  if (question !== undefined) {
    return (
      <FileExistsDialog
        key={question.id}
        question={question}
        onAnswer={(answer) => void useTransfers.getState().answer(question, answer)}
      />
    );
  }
  return null;
}
