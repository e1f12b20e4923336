import { useEffect, useRef } from 'react';
import { formatClock } from '../../../shared/format';
import { useLog } from '../stores/log';

/** The message log: app notices now, every command and reply once sessions exist. */
export function LogPanel() {
  const entries = useLog((state) => state.entries);
  const listRef = useRef<HTMLOListElement>(null);
  // Follow new lines only while the view is at the end, so a person can scroll back and read.
  const following = useRef(true);

  useEffect(() => {
    useLog.getState().start();
  }, []);

  useEffect(() => {
    const list = listRef.current;
    if (list && following.current) list.scrollTop = list.scrollHeight;
  }, [entries]);

  return (
    <section className="panel" aria-label="Message log">
      <h2 className="panel-title">Message log</h2>
      <ol
        className="log-list"
        ref={listRef}
        role="log"
        aria-live="polite"
        onScroll={(event) => {
          const list = event.currentTarget;
          following.current = list.scrollTop + list.clientHeight >= list.scrollHeight - 8;
        }}
      >
        {entries.map((entry) => (
          <li key={entry.id} className={`log-line log-${entry.kind}`}>
            <time dateTime={new Date(entry.time).toISOString()}>{formatClock(entry.time)}</time>
            {entry.session !== null && (
              <span className="log-session" title={entry.session}>
                {entry.session}
              </span>
            )}
            <span className="log-text">{entry.text}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}
