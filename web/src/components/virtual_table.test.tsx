import { describe, expect, it, vi, afterEach } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { VirtualTable } from './virtual_table';

afterEach(cleanup);

describe('VirtualTable', () => {
  const columns = [
    { name: 'id', type: 'int64' },
    { name: 'name', type: 'string' },
  ];

  it('renders only the rows in view, even for ten million rows', () => {
    const getRow = vi.fn((i: number) => [i, `row ${i}`]);
    const onNeed = vi.fn();
    render(<VirtualTable label="t" columns={columns} rowCount={10_000_000} getRow={getRow} onNeedRows={onNeed} height={260} />);
    const grid = screen.getByRole('grid', { name: 't' });
    // jsdom has no layout: clientHeight is 0, so the overscan alone is rendered.
    const rendered = grid.querySelectorAll('.vt-row').length;
    expect(rendered).toBeGreaterThan(0);
    expect(rendered).toBeLessThan(50);
    expect(grid.getAttribute('aria-rowcount')).toBe('10000001');
    expect(onNeed).toHaveBeenCalledWith(0, rendered);
    // Scrolling far down renders that window instead.
    Object.defineProperty(grid, 'scrollTop', { value: 26 * 5_000_000, configurable: true });
    fireEvent.scroll(grid);
    expect(screen.getByText('row 5000000')).toBeTruthy();
    expect(screen.queryByText('row 0')).toBeNull();
  });

  it('shows placeholders for rows not loaded yet and nulls as ∅', () => {
    render(<VirtualTable label="t" columns={columns} rowCount={3} getRow={(i) => (i === 0 ? [1, null] : undefined)} height={200} />);
    expect(screen.getByText('∅')).toBeTruthy();
    expect(screen.getAllByText('…').length).toBe(4);
  });
});
