import { describe, expect, it } from 'vitest';
import { crumbs, formatBytes } from './files_page';

describe('files page', () => {
  it('splits a path into breadcrumbs, named roots first', () => {
    expect(crumbs('')).toEqual([{ label: 'My files', path: '' }]);
    expect(crumbs('data/2024')).toEqual([
      { label: 'My files', path: '' },
      { label: 'data', path: 'data' },
      { label: '2024', path: 'data/2024' },
    ]);
    expect(crumbs('lake:2024/q1')).toEqual([
      { label: 'lake:', path: 'lake:' },
      { label: '2024', path: 'lake:2024' },
      { label: 'q1', path: 'lake:2024/q1' },
    ]);
  });
  it('formats sizes in binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(50 * 1024 * 1024)).toBe('50 MiB');
  });
});
