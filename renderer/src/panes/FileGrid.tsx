import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useId, useRef, type DragEvent, type KeyboardEvent, type MouseEvent } from 'react';
import type { FileEntry, SortKey, SortOrder } from '../../../shared/entries';
import { isFolderLike } from '../../../shared/entries';
import { formatTime } from '../../../shared/format';
import { displayName } from '../../../shared/names';
import { sizeText, typeText } from './entryColumns';

/** Fixed row height: virtualization stays exact and 100k rows scroll smoothly. */
export const ROW_HEIGHT = 24;

const COLUMNS: { key: SortKey; label: string; className: string }[] = [
  { key: 'name', label: 'Name', className: 'col-name' },
  { key: 'size', label: 'Size', className: 'col-size' },
  { key: 'type', label: 'Type', className: 'col-type' },
  { key: 'modified', label: 'Modified', className: 'col-modified' },
  { key: 'permissions', label: 'Permissions', className: 'col-permissions' },
];

export interface FileGridProps {
  /** Accessible name of the grid. */
  label: string;
  entries: readonly FileEntry[];
  sort: SortOrder;
  onSort: (key: SortKey) => void;
  selected: ReadonlySet<string>;
  focused: string | null;
  anchor: string | null;
  onSelectionChange: (selected: ReadonlySet<string>, focused: string | null, anchor?: string | null) => void;
  /** Enter or double-click on a row. */
  onActivate: (entry: FileEntry) => void;
  /** Keys the pane handles: go up, delete, rename, refresh. */
  onCommand: (command: 'up' | 'delete' | 'rename' | 'refresh') => void;
  /** Rows can be dragged when set; called as a row's drag starts. */
  onRowDragStart?: ((entry: FileEntry, event: DragEvent) => void) | undefined;
  /** Shown in place of rows when there are none. */
  emptyText: string;
}

/**
 * A sortable, virtualized ARIA grid of folder entries with keyboard
 * navigation: arrows, Home/End, Page Up/Down, Enter to open, Backspace to go
 * up, Delete, F2 to rename, Ctrl+A, Shift/Ctrl for multiple selection, and
 * typing a name's first letters to jump to it.
 */
export function FileGrid(props: FileGridProps) {
  const { entries, focused, selected } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const gridRef = useRef<HTMLDivElement>(null);
  const typeAhead = useRef({ text: '', at: 0 });
  const idPrefix = useId();
  const rowId = (index: number): string => `${idPrefix}-row-${index}`;

  // TanStack Virtual returns fresh functions each render by design; the
  // component re-renders on scroll anyway, so nothing is lost by not memoizing.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: entries.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });

  const focusedIndex = focused === null ? -1 : entries.findIndex((e) => e.name === focused);

  useEffect(() => {
    if (focusedIndex >= 0) virtualizer.scrollToIndex(focusedIndex, { align: 'auto' });
  }, [focusedIndex, virtualizer]);

  const nameAt = (index: number): string | null => entries[index]?.name ?? null;

  const selectIndex = (index: number, mode: 'single' | 'toggle' | 'range'): void => {
    const name = nameAt(index);
    if (name === null) return;
    if (mode === 'single') {
      props.onSelectionChange(new Set([name]), name, name);
    } else if (mode === 'toggle') {
      const next = new Set(selected);
      if (next.has(name)) next.delete(name);
      else next.add(name);
      props.onSelectionChange(next, name, name);
    } else {
      const anchorIndex = props.anchor === null ? index : entries.findIndex((e) => e.name === props.anchor);
      const [from, to] = anchorIndex <= index ? [anchorIndex, index] : [index, anchorIndex];
      const range = entries.slice(Math.max(from, 0), to + 1).map((e) => e.name);
      props.onSelectionChange(new Set(range), name);
    }
  };

  const moveTo = (index: number, event: KeyboardEvent): void => {
    if (entries.length === 0) return;
    const clamped = Math.max(0, Math.min(entries.length - 1, index));
    if (event.shiftKey) selectIndex(clamped, 'range');
    else if (event.ctrlKey || event.metaKey) props.onSelectionChange(selected, nameAt(clamped));
    else selectIndex(clamped, 'single');
  };

  const pageRows = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? ROW_HEIGHT * 10) / ROW_HEIGHT) - 1);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    const current = focusedIndex;
    const handled = (): void => {
      event.preventDefault();
      event.stopPropagation();
    };
    switch (event.key) {
      case 'ArrowDown':
        handled();
        return moveTo(current < 0 ? 0 : current + 1, event);
      case 'ArrowUp':
        handled();
        return moveTo(current < 0 ? 0 : current - 1, event);
      case 'Home':
        handled();
        return moveTo(0, event);
      case 'End':
        handled();
        return moveTo(entries.length - 1, event);
      case 'PageDown':
        handled();
        return moveTo(current + pageRows, event);
      case 'PageUp':
        handled();
        return moveTo(current - pageRows, event);
      case 'Enter': {
        const entry = entries[current];
        if (entry) {
          handled();
          props.onActivate(entry);
        }
        return;
      }
      case 'Backspace':
        handled();
        return props.onCommand('up');
      case 'Delete':
        handled();
        return props.onCommand('delete');
      case 'F2':
        handled();
        return props.onCommand('rename');
      case 'F5':
        handled();
        return props.onCommand('refresh');
      case ' ':
        if (current >= 0) {
          handled();
          selectIndex(current, event.ctrlKey || event.metaKey ? 'toggle' : 'single');
        }
        return;
      default:
        break;
    }
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'a') {
      handled();
      props.onSelectionChange(new Set(entries.map((e) => e.name)), focused);
      return;
    }
    if (event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey) {
      // Type-ahead: letters typed within a second form a prefix to jump to.
      handled();
      const now = Date.now();
      const state = typeAhead.current;
      state.text = now - state.at < 1000 ? state.text + event.key.toLowerCase() : event.key.toLowerCase();
      state.at = now;
      const start = state.text.length === 1 ? current + 1 : Math.max(current, 0);
      for (let step = 0; step < entries.length; step++) {
        const index = (start + step) % entries.length;
        if (entries[index]?.name.toLowerCase().startsWith(state.text)) {
          selectIndex(index, 'single');
          break;
        }
      }
    }
  };

  const onRowClick = (index: number, event: MouseEvent): void => {
    if (event.shiftKey) selectIndex(index, 'range');
    else if (event.ctrlKey || event.metaKey) selectIndex(index, 'toggle');
    else selectIndex(index, 'single');
  };

  // The header row is one Tab stop (the sorted column's button); arrows move
  // along it, Enter or Space sorts, ArrowDown goes back to the rows. Keys
  // stop here, so the rows' own handling (Space selects) never sees them.
  const onHeaderKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    event.stopPropagation();
    const buttons = [...event.currentTarget.querySelectorAll('button')];
    const at = buttons.indexOf(event.target as HTMLButtonElement);
    const target: Record<string, number> = {
      ArrowLeft: Math.max(0, at - 1),
      ArrowRight: Math.min(buttons.length - 1, at + 1),
      Home: 0,
      End: buttons.length - 1,
    };
    const next = target[event.key];
    if (next !== undefined) {
      event.preventDefault();
      buttons[next]?.focus();
    } else if (event.key === 'ArrowDown') {
      event.preventDefault();
      gridRef.current?.focus();
    }
  };

  return (
    <div
      ref={gridRef}
      className="file-grid"
      role="grid"
      aria-label={props.label}
      aria-rowcount={entries.length + 1}
      aria-colcount={COLUMNS.length}
      aria-multiselectable="true"
      tabIndex={0}
      aria-activedescendant={focusedIndex >= 0 ? rowId(focusedIndex) : undefined}
      onKeyDown={onKeyDown}
      onFocus={() => {
        if (focusedIndex < 0 && entries.length > 0) props.onSelectionChange(selected, nameAt(0));
      }}
    >
      <div role="rowgroup" className="file-grid-head">
        <div role="row" aria-rowindex={1} className="file-grid-row" onKeyDown={onHeaderKeyDown}>
          {COLUMNS.map((column) => (
            <div
              key={column.key}
              role="columnheader"
              className={column.className}
              aria-sort={props.sort.key === column.key ? props.sort.direction : 'none'}
            >
              <button
                type="button"
                tabIndex={props.sort.key === column.key ? 0 : -1}
                onClick={() => props.onSort(column.key)}
              >
                {column.label}
                <span aria-hidden="true" className="sort-mark">
                  {props.sort.key === column.key ? (props.sort.direction === 'ascending' ? '▲' : '▼') : ''}
                </span>
              </button>
            </div>
          ))}
        </div>
      </div>
      <div role="rowgroup" className="file-grid-body" ref={scrollRef}>
        {entries.length === 0 ? (
          <div className="file-grid-empty">{props.emptyText}</div>
        ) : (
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {virtualizer.getVirtualItems().map((item) => {
              const entry = entries[item.index];
              if (!entry) return null;
              const isSelected = selected.has(entry.name);
              return (
                <div
                  key={entry.name}
                  id={rowId(item.index)}
                  role="row"
                  aria-rowindex={item.index + 2}
                  aria-selected={isSelected}
                  aria-label={entry.name}
                  className={`file-grid-row${isSelected ? ' selected' : ''}${item.index === focusedIndex ? ' focused' : ''}${entry.hidden ? ' hidden-entry' : ''}`}
                  style={{
                    position: 'absolute',
                    top: 0,
                    left: 0,
                    right: 0,
                    height: ROW_HEIGHT,
                    transform: `translateY(${item.start}px)`,
                  }}
                  onClick={(event) => onRowClick(item.index, event)}
                  onDoubleClick={() => props.onActivate(entry)}
                  draggable={props.onRowDragStart !== undefined}
                  onDragStart={props.onRowDragStart ? (event) => props.onRowDragStart?.(entry, event) : undefined}
                >
                  <div
                    role="gridcell"
                    className="col-name"
                    // The whole name, which a narrow column cuts off (and a link's target).
                    title={`${displayName(entry.name)}${entry.linkTarget ? ` → ${displayName(entry.linkTarget)}` : ''}`}
                  >
                    <span aria-hidden="true" className={`icon icon-${isFolderLike(entry) ? 'folder' : entry.type}`} />
                    {displayName(entry.name)}
                  </div>
                  <div role="gridcell" className="col-size">
                    {sizeText(entry)}
                  </div>
                  <div role="gridcell" className="col-type">
                    {typeText(entry)}
                  </div>
                  <div role="gridcell" className="col-modified">
                    {formatTime(entry.modified)}
                  </div>
                  <div role="gridcell" className="col-permissions">
                    {entry.permissions ?? ''}
                  </div>
                </div>
              );
            })}
          </div>
        )}
      </div>
    </div>
  );
}
