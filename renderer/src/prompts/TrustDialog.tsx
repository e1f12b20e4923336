import type { TrustAnswer, TrustQuestion } from '../stores/session';
import { Dialog, initialFocus } from './Dialog';

const TITLES: Record<TrustQuestion['kind'], string> = {
  hostKeyUnknown: 'Unknown host key',
  hostKeyChanged: 'Host key changed',
  certificate: 'Untrusted certificate',
};

/**
 * What the dialog says first. The engines' messages repeat the fingerprint
 * the facts below show in full, so an unknown identity gets a plain
 * sentence; a changed host key keeps the engine's own warning.
 */
const INTROS: Record<Exclude<TrustQuestion['kind'], 'hostKeyChanged'>, string> = {
  hostKeyUnknown: 'Ferry does not know this server’s host key: it has not connected to it before, or not from here.',
  certificate: 'This server’s certificate is not one this computer trusts.',
};

/** The facts a person compares with what the server's admin published, in a fixed order. */
const FACTS: { key: string; label: string }[] = [
  { key: 'host', label: 'Server' },
  { key: 'port', label: 'Port' },
  { key: 'keyType', label: 'Key type' },
  { key: 'subject', label: 'Subject' },
  { key: 'issuer', label: 'Issuer' },
  { key: 'validFrom', label: 'Valid from' },
  { key: 'validTo', label: 'Valid to' },
  { key: 'reason', label: 'Why it is not trusted' },
  { key: 'fingerprint', label: 'SHA-256 fingerprint' },
  { key: 'fingerprint256', label: 'SHA-256 fingerprint' },
];

/**
 * Asks whether to trust a server's identity, showing its SHA-256
 * fingerprint. A changed host key is a hard stop: it can only be
 * dismissed, because the usual cause worth stopping for is an attacker.
 */
export function TrustDialog({
  question,
  onAnswer,
}: {
  question: TrustQuestion;
  onAnswer: (answer: TrustAnswer) => void;
}) {
  const hardStop = question.kind === 'hostKeyChanged';
  return (
    <Dialog title={TITLES[question.kind]} onCancel={() => onAnswer('cancel')}>
      <p className="dialog-message">{question.kind === 'hostKeyChanged' ? question.message : INTROS[question.kind]}</p>
      <dl className="dialog-facts">
        {FACTS.filter((fact) => question.details[fact.key] !== undefined).map((fact) => (
          <div key={fact.key}>
            <dt>{fact.label}</dt>
            <dd className={fact.key.startsWith('fingerprint') ? 'fingerprint' : undefined}>
              {String(question.details[fact.key])}
            </dd>
          </div>
        ))}
      </dl>
      <p className="dialog-message">
        {hardStop
          ? 'Ferry will not connect. If the server was reinstalled, ask its administrator for the new fingerprint and remove the old key from known_hosts.'
          : 'Compare the fingerprint with the one the server’s administrator gave you before trusting it.'}
      </p>
      <div className="dialog-buttons">
        {!hardStop && (
          <>
            <button type="button" onClick={() => onAnswer('once')}>
              Trust once
            </button>
            <button type="button" onClick={() => onAnswer('always')}>
              Always trust
            </button>
          </>
        )}
        <button type="button" {...initialFocus} onClick={() => onAnswer('cancel')}>
          Cancel
        </button>
      </div>
    </Dialog>
  );
}
