// The quality reports of one run: one table per transform.validate node, from the JSON the node
// logs as "quality report: {…}" (see src/transforms/validate.h). Pure view; the run page passes
// the reports it parsed from the run log with parseQualityReport.
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';

export type QualityOutcome = 'passed' | 'warned' | 'failed';

export interface QualityRuleResult {
  name: string;
  type: string;
  severity: 'fail' | 'warn';
  checked?: number;
  failed?: number;
  value?: number;
  detail: string;
  outcome: QualityOutcome;
}

export interface QualityReport {
  rows: number;
  passed_rows: number;
  rejected_rows: number;
  outcome: QualityOutcome;
  rules: QualityRuleResult[];
}

const kPrefix = 'quality report: ';

// The report of a run-log message, or null when the message is not one (or is malformed).
export function parseQualityReport(message: string): QualityReport | null {
  if (!message.startsWith(kPrefix)) return null;
  try {
    const r = JSON.parse(message.slice(kPrefix.length)) as QualityReport;
    return Array.isArray(r.rules) && typeof r.rows === 'number' ? r : null;
  } catch {
    return null;
  }
}

const kOutcomeColor: Record<QualityOutcome, 'success' | 'warning' | 'error'> = {
  passed: 'success',
  warned: 'warning',
  failed: 'error',
};

export function QualityReportPanel(props: { reports: { nodeId: string; report: QualityReport }[] }) {
  if (props.reports.length === 0) return null;
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
      {props.reports.map(({ nodeId, report }) => (
        <Box key={nodeId}>
          <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, mb: 1 }}>
            <Typography variant="subtitle1">Data quality — {nodeId}</Typography>
            <Chip size="small" label={report.outcome} color={kOutcomeColor[report.outcome]} />
          </Box>
          <Typography variant="body2" color="text.secondary">
            {report.rows} rows checked, {report.passed_rows} passed, {report.rejected_rows} rejected
          </Typography>
          {report.outcome === 'failed' && <Alert severity="error">A rule with severity “fail” failed: the run was stopped.</Alert>}
          <Table size="small" aria-label={`quality report of ${nodeId}`}>
            <TableHead>
              <TableRow>
                <TableCell>Rule</TableCell>
                <TableCell>Type</TableCell>
                <TableCell>Severity</TableCell>
                <TableCell align="right">Checked</TableCell>
                <TableCell align="right">Failed</TableCell>
                <TableCell>Detail</TableCell>
                <TableCell>Outcome</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {report.rules.map((rule) => (
                <TableRow key={rule.name}>
                  <TableCell>{rule.name}</TableCell>
                  <TableCell>{rule.type}</TableCell>
                  <TableCell>{rule.severity}</TableCell>
                  <TableCell align="right">{rule.checked ?? ''}</TableCell>
                  <TableCell align="right">{rule.failed ?? ''}</TableCell>
                  <TableCell>{rule.detail}</TableCell>
                  <TableCell>
                    <Chip size="small" label={rule.outcome} color={kOutcomeColor[rule.outcome]} />
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Box>
      ))}
    </Box>
  );
}
