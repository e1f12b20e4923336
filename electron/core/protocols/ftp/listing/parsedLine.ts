import type { FileEntry } from '../../../../../shared/entries.js';

/**
 * What a listing parser makes of one line: an entry; 'ignore' for lines
 * that are understood but list nothing new ("." and "..", MLSD's cdir and
 * pdir); null for lines it does not understand (logged by the caller).
 */
export type ParsedLine = FileEntry | 'ignore' | null;
