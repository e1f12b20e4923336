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

export function startEntryDrag(data: DataTransfer, side: PaneSide, names: readonly string[]): void {
  data.effectAllowed = 'copy';
  data.setData(TYPE_PREFIX + side, JSON.stringify(names));
  data.setData('text/plain', names.join('\n'));
}

/**
 * The names dragged from the pane opposite `receiver`, or null when the
 * drag is not one. During dragover the names are not readable yet, so an
 * empty list then still means "yes, accept it".
 */
export function draggedEntries(data: DataTransfer, receiver: PaneSide): string[] | null {
  const type = TYPE_PREFIX + (receiver === 'local' ? 'remote' : 'local');
  if (!data.types.includes(type)) return null;
  const text = data.getData(type);
  if (text === '') return [];
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? parsed.filter((n): n is string => typeof n === 'string') : null;
  } catch {
    return null;
  }
}
