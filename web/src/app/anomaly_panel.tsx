// The run page's anomaly panel: each measurement of the run that was far from the pipeline's
// history — what (node, column, metric), the observed value against the expected range, the
// baseline it was judged on, and a sparkline of that baseline's values with the expected band and
// the run's own value. Shown only when the run was flagged; the pipeline's `anomalies` policy
// decided whether the run failed.
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import type { AnomalyItem, AnomalyReport } from '../api/types';
import { anomalyRows, sparkline } from '../model/anomaly_report';

const cell = { padding: '2px 10px', borderBottom: '1px solid #eee', textAlign: 'left', verticalAlign: 'middle' } as const;
const kWidth = 120;
const kHeight = 28;

function Sparkline({ item }: { item: AnomalyItem }) {
  const s = sparkline(item, kWidth, kHeight);
  return (
    <svg width={kWidth} height={kHeight} role="img" aria-label={`history of ${item.history.length} runs`} data-testid="anomaly-sparkline">
      <rect x={0} y={s.band.y} width={kWidth} height={s.band.height} fill="#2e7d32" opacity={0.15} />
      <path d={s.path} fill="none" stroke="#555" strokeWidth={1.2} />
      <circle cx={s.observed.x} cy={s.observed.y} r={3} fill="#c62828" />
    </svg>
  );
}

export function AnomalyPanel({ report, failed }: { report: AnomalyReport | null | undefined; failed: boolean }) {
  const rows = anomalyRows(report);
  if (!report || !rows.length) return null;
  return (
    <Alert severity={failed ? 'error' : 'warning'} data-testid="anomalies" sx={{ '& .MuiAlert-message': { width: '100%' } }}>
      <AlertTitle>
        {rows.length === 1 ? '1 anomaly' : `${rows.length} anomalies`} against {report.history_runs} earlier runs
      </AlertTitle>
      <table style={{ borderCollapse: 'collapse', fontSize: 13 }} aria-label="Anomalies">
        <thead>
          <tr>
            {['measurement', 'observed', 'expected', 'baseline', 'history'].map((h) => (
              <th key={h} style={cell}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key} data-testid="anomaly-row">
              <td style={{ ...cell, fontFamily: 'monospace' }}>{r.what}</td>
              <td style={{ ...cell, fontWeight: 600, color: '#c62828' }}>
                {r.observed} {r.direction === 'above' ? '▲' : '▼'}
              </td>
              <td style={cell}>{r.expected}</td>
              <td style={cell}>{r.baseline}</td>
              <td style={cell}>
                <Sparkline item={r.item} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {failed
        ? 'The pipeline fails on anomalies, so nothing was published: check the source, or set the anomaly policy to warn in Run settings to accept a lasting change.'
        : `Recorded and notified (run.anomaly); the run went on. ${report.checked} measurements were checked at threshold ${report.threshold}.`}
    </Alert>
  );
}
