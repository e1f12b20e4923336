import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { formatDuration, formatSize } from '../../../shared/format';
import type { JobState, SpeedLimit, TransferJob } from '../../../shared/transfers';
import { ConfirmDialog } from '../prompts/ConfirmDialog';
import { useTransfers } from '../stores/transfers';
import { SpeedLimitDialog } from './SpeedLimitDialog';
import { TransferRow, TRANSFER_ROW_HEIGHT } from './TransferRow';

/** FileZilla's three lists: what is still to do, what failed, what arrived. */
const TABS = [
  { id: 'queued', label: 'Queued', states: ['queued', 'running', 'paused'] },
  { id: 'failed', label: 'Failed', states: ['failed'] },
  { id: 'done', label: 'Successful', states: ['done', 'skipped'] },
] as const satisfies readonly { id: string; label: string; states: readonly JobState[] }[];

type TabId = (typeof TABS)[number]['id'];

function tabOf(state: JobState): TabId {
  return TABS.find((tab) => (tab.states as readonly JobState[]).includes(state))?.id ?? 'queued';
}

/** What holds each way now, as the speed-limit button shows it; null when there is no limit. */
function speedLimitText(limit: SpeedLimit | null): string | null {
  if (limit === null || (limit.download === 0 && limit.upload === 0)) return null;
  const each = (bytes: number): string => (bytes === 0 ? 'off' : `${formatSize(bytes)}/s`);
  return `↓ ${each(limit.download)} ↑ ${each(limit.upload)}`;
}

/**
 * The transfer queue: tabs for queued, failed and successful transfers, a
 * virtualized row per transfer with its progress and actions, the totals
 * (speed and time left), and what acts on the whole list shown: Pause all,
 * Resume all and Cancel all on the queue, Retry all on the failed list,
 * Clear list on either finished list; and the speed limit, on every tab.
 */
export function QueuePanel() {
  const jobs = useTransfers((state) => state.jobs);
  const totals = useTransfers((state) => state.totals);
  const error = useTransfers((state) => state.error);
  const [tab, setTab] = useState<TabId>('queued');
  const [confirmingCancelAll, setConfirmingCancelAll] = useState(false);
  const [editingSpeedLimit, setEditingSpeedLimit] = useState(false);
  const speedLimit = useTransfers((state) => state.speedLimit);
  const scrollRef = useRef<HTMLDivElement>(null);

  useEffect(() => useTransfers.getState().start(), []);

  const byTab = useMemo(() => {
    const lists: Record<TabId, TransferJob[]> = { queued: [], failed: [], done: [] };
    for (const job of jobs.values()) lists[tabOf(job.state)].push(job);
    // Newest successes first, as the list people check is "did my last upload arrive".
    lists.done.reverse();
    return lists;
  }, [jobs]);
  const shown = byTab[tab];

  /** Left/Right (wrapping), Home and End choose a tab and focus it. */
  const moveBetweenTabs = (event: KeyboardEvent<HTMLDivElement>): void => {
    const at = TABS.findIndex((t) => t.id === tab);
    const next =
      event.key === 'ArrowRight'
        ? (at + 1) % TABS.length
        : event.key === 'ArrowLeft'
          ? (at - 1 + TABS.length) % TABS.length
          : event.key === 'Home'
            ? 0
            : event.key === 'End'
              ? TABS.length - 1
              : null;
    const target = next === null ? undefined : TABS[next];
    if (target === undefined) return;
    event.preventDefault();
    setTab(target.id);
    document.getElementById(`queue-tab-${target.id}`)?.focus();
  };

  // eslint-disable-next-line react-hooks/incompatible-library -- TanStack Virtual's API is not memoizable; see FileGrid.
  const virtualizer = useVirtualizer({
    count: shown.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => TRANSFER_ROW_HEIGHT,
    overscan: 8,
  });

  // The window keeps the newest finished transfers only; the main side counts them all.
  const counts: Record<TabId, number> = {
    queued: byTab.queued.length,
    failed: Math.max(byTab.failed.length, totals?.failed ?? 0),
    done: Math.max(byTab.done.length, totals?.succeeded ?? 0),
  };
  const transfers = useTransfers.getState();
  const running = byTab.queued.filter((job) => job.state === 'running').length;
  const paused = byTab.queued.filter((job) => job.state === 'paused').length;
  const summary =
    byTab.queued.length === 0
      ? 'Nothing to transfer.'
      : `${running} running, ${byTab.queued.length - running - paused} waiting${paused > 0 ? `, ${paused} paused` : ''}` +
        (totals !== null && totals.speed > 0 && running > 0
          ? ` · ${formatSize(totals.speed)}/s${totals.eta !== null ? ` · ${formatDuration(totals.eta)} left` : ''}`
          : '');

  return (
    <section className="panel queue-panel" aria-label="Transfer queue">
      <div className="panel-header">
        <h2 className="panel-title">Transfer queue</h2>
        <div role="tablist" aria-label="Transfer lists" className="queue-tabs" onKeyDown={moveBetweenTabs}>
          {TABS.map((t) => (
            <button
              key={t.id}
              id={`queue-tab-${t.id}`}
              type="button"
              role="tab"
              aria-selected={tab === t.id}
              aria-controls="queue-transfers"
              // One Tab stop for the list; arrows move within it (the ARIA tabs pattern).
              tabIndex={tab === t.id ? 0 : -1}
              className={tab === t.id ? 'active' : ''}
              onClick={() => setTab(t.id)}
            >
              {`${t.label} (${counts[t.id].toLocaleString()})`}
            </button>
          ))}
        </div>
        <span className="queue-summary" aria-live="polite" title={summary}>
          {summary}
        </span>
        {tab === 'queued' && (
          <>
            <button
              type="button"
              className="queue-bulk"
              onClick={() => void transfers.pauseAll()}
              disabled={byTab.queued.length === 0}
            >
              Pause all
            </button>
            <button
              type="button"
              className="queue-bulk"
              onClick={() => void transfers.resumeAll()}
              disabled={paused === 0}
            >
              Resume all
            </button>
            <button
              type="button"
              className="queue-bulk"
              onClick={() => setConfirmingCancelAll(true)}
              disabled={byTab.queued.length === 0}
            >
              Cancel all
            </button>
          </>
        )}
        {tab === 'failed' && (
          <button
            type="button"
            className="queue-bulk"
            onClick={() => void transfers.retryAllFailed()}
            disabled={byTab.failed.length === 0}
          >
            Retry all
          </button>
        )}
        <button
          type="button"
          className="queue-bulk"
          aria-label={`Speed limit: ${speedLimitText(speedLimit) ?? 'off'}`}
          title="Speed limit of all transfers together"
          onClick={() => setEditingSpeedLimit(true)}
          disabled={speedLimit === null}
        >
          {speedLimitText(speedLimit) ?? 'Speed limit'}
        </button>
        {tab !== 'queued' && (
          <button
            type="button"
            className="queue-bulk"
            onClick={() => void transfers.clear(tab === 'failed' ? 'failed' : 'succeeded')}
            disabled={counts[tab] === 0}
          >
            Clear list
          </button>
        )}
      </div>
      {error !== null && (
        <div className="pane-error" role="alert">
          <span>{error}</span>
          <button type="button" aria-label="Dismiss error" onClick={() => useTransfers.getState().setError(null)}>
            ×
          </button>
        </div>
      )}
      <div
        role="table"
        id="queue-transfers"
        aria-label="Transfers"
        aria-rowcount={shown.length + 1}
        className="queue-table"
      >
        <div role="rowgroup">
          <div role="row" aria-rowindex={1} className="queue-row queue-head">
            <span role="columnheader">File</span>
            <span role="columnheader">Direction</span>
            <span role="columnheader" className="queue-size">
              Size
            </span>
            <span role="columnheader">Progress</span>
            <span role="columnheader">Status</span>
            <span role="columnheader">Actions</span>
          </div>
        </div>
        <div role="rowgroup" className="queue-body" ref={scrollRef}>
          {shown.length === 0 ? (
            <p className="panel-empty">No transfers.</p>
          ) : (
            <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
              {virtualizer.getVirtualItems().map((item) => {
                const job = shown[item.index];
                return job ? <TransferRow key={job.id} job={job} rowIndex={item.index + 2} top={item.start} /> : null;
              })}
            </div>
          )}
        </div>
      </div>
      {editingSpeedLimit && speedLimit !== null && (
        <SpeedLimitDialog
          limit={speedLimit}
          onSave={(limit) => {
            setEditingSpeedLimit(false);
            void transfers.setSpeedLimit(limit);
          }}
          onCancel={() => setEditingSpeedLimit(false)}
        />
      )}
      {confirmingCancelAll && (
        <ConfirmDialog
          title="Cancel all transfers"
          message={`Cancel all ${counts.queued.toLocaleString()} transfers in the queue? Files partly transferred stay where they are.`}
          confirmLabel="Cancel all"
          cancelLabel="Keep them"
          onConfirm={() => {
            setConfirmingCancelAll(false);
            void transfers.cancelAll();
          }}
          onCancel={() => setConfirmingCancelAll(false)}
        />
      )}
    </section>
  );
}
