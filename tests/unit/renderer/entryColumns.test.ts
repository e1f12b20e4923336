import { describe, expect, it } from 'vitest';
import type { FileEntry } from '../../../shared/entries.js';
import { sizeText, typeText } from '../../../renderer/src/panes/entryColumns.js';

function entry(name: string, fields: Partial<FileEntry> = {}): FileEntry {
  return { name, type: 'file', size: 0, modified: null, permissions: null, hidden: false, ...fields };
}

describe('the Type and Size columns of a link', () => {
  // FTP's LIST says "name -> target" and nothing about the target.
  const unknown = entry('link-to-sub', { type: 'symlink', linkTarget: 'sub', linkTargetUnknown: true });

  it('calls a link of unknown type a link, not a broken one, and shows no size for it', () => {
    expect(typeText(unknown)).toBe('Link');
    // LIST's size column for a link is the length of the target's path; the parser keeps 0.
    expect(sizeText(unknown)).toBe('');
  });

  it('still tells a broken link (its target known missing) from the others', () => {
    const broken = entry('broken-link', { type: 'symlink', linkTarget: 'nowhere' });
    expect(typeText(broken)).toBe('Broken link');
    expect(sizeText(broken)).toBe('');
  });

  it('shows the size of a link known to lead to a file, and none for a folder link', () => {
    const file = entry('link-to-file', {
      type: 'symlink',
      linkTarget: 'small.bin',
      linkTargetType: 'file',
      size: 5000,
    });
    expect(typeText(file)).toBe('Link');
    expect(sizeText(file)).toBe(sizeText(entry('small.bin', { size: 5000 })));
    expect(sizeText(file)).not.toBe('');
    const folder = entry('link-to-sub', { type: 'symlink', linkTarget: 'sub', linkTargetType: 'directory' });
    expect(typeText(folder)).toBe('Folder link');
    expect(sizeText(folder)).toBe('');
  });

  it('leaves files and folders as they were', () => {
    expect(typeText(entry('notes.txt'))).toBe('TXT file');
    expect(sizeText(entry('empty'))).not.toBe('');
    expect(typeText(entry('sub', { type: 'directory' }))).toBe('Folder');
  });
});
