// A tiny bar chart (inline SVG) for a column profile's histogram.
export function MiniHistogram({ counts, labels, width = 120, height = 28 }: { counts: number[]; labels?: string[]; width?: number; height?: number }) {
  if (!counts.length) return null;
  const max = Math.max(...counts, 1);
  const w = width / counts.length;
  return (
    <svg width={width} height={height} role="img" aria-label="histogram" style={{ display: 'block' }}>
      {counts.map((c, i) => {
        const h = Math.max(1, (c / max) * (height - 2));
        return (
          <rect key={i} x={i * w + 0.5} y={height - h} width={Math.max(1, w - 1)} height={h} fill="#5c8fd6">
            <title>{`${labels?.[i] ?? i}: ${c}`}</title>
          </rect>
        );
      })}
    </svg>
  );
}
