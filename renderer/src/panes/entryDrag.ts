/** Which pane a drag started in. */
export type PaneSide = 'local' | 'remote';

/**
 * Entries dragged between the panes travel under Ferry's own type, so a
 * drop from another app (or another Ferry window) is never mistaken for
 * them. Browsers hide a drag's data until the drop, but not its types, so
 * the side is part of the type: a pane can tell during dragover whether
 * the drag came from the other pane.
 */
const TYPE_PREFIX = 'application/x-ferry-entries-';

/** What a drag carries: the names, and the folder they were picked in (the drop acts there or not at all). */
export interface DraggedEntries {
  /** Null during dragover, when the data cannot be read yet. */
  folder: string | null;
  names: string[];
}

export function startEntryDrag(data: DataTransfer, side: PaneSide, folder: string, names: readonly string[]): void {
  data.effectAllowed = 'copy';
  data.setData(TYPE_PREFIX + side, JSON.stringify({ folder, names }));
  data.setData('text/plain', names.join('\n'));
}

/**
 * The entries dragged from the pane opposite `receiver`, or null when the
 * drag is not one. During dragover the data is not readable yet, so no
 * names and no folder then still mean "yes, accept it".
 */
export function draggedEntries(data: DataTransfer, receiver: PaneSide): DraggedEntries | null {
  const type = TYPE_PREFIX + (receiver === 'local' ? 'remote' : 'local');
  if (!data.types.includes(type)) return null;
  const text = data.getData(type);
  if (text === '') return { folder: null, names: [] };
  try {
    const parsed = JSON.parse(text) as { folder?: unknown; names?: unknown } | null;
    if (typeof parsed?.folder !== 'string' || !Array.isArray(parsed.names)) return null;
    return { folder: parsed.folder, names: parsed.names.filter((n): n is string => typeof n === 'string') };
  } catch {
    return null;
  }
}
