// Maps a descriptor's `icon` name (and failing that its kind/category) to an MUI icon.
import StorageIcon from '@mui/icons-material/Storage';
import DescriptionIcon from '@mui/icons-material/Description';
import FilterAltIcon from '@mui/icons-material/FilterAlt';
import FunctionsIcon from '@mui/icons-material/Functions';
import CallMergeIcon from '@mui/icons-material/CallMerge';
import SortIcon from '@mui/icons-material/Sort';
import TableChartIcon from '@mui/icons-material/TableChart';
import CloudIcon from '@mui/icons-material/Cloud';
import HttpIcon from '@mui/icons-material/Http';
import DataObjectIcon from '@mui/icons-material/DataObject';
import ViewColumnIcon from '@mui/icons-material/ViewColumn';
import InputIcon from '@mui/icons-material/Input';
import OutputIcon from '@mui/icons-material/Output';
import TransformIcon from '@mui/icons-material/Transform';
import CodeIcon from '@mui/icons-material/Code';
import ContentCutIcon from '@mui/icons-material/ContentCut';
import JoinInnerIcon from '@mui/icons-material/JoinInner';
import CalculateIcon from '@mui/icons-material/Calculate';
import MailIcon from '@mui/icons-material/Mail';
import LayersIcon from '@mui/icons-material/Layers';
import type { SvgIconComponent } from '@mui/icons-material';

const kIcons: Record<string, SvgIconComponent> = {
  database: StorageIcon,
  storage: StorageIcon,
  postgres: StorageIcon,
  mysql: StorageIcon,
  sqlite: StorageIcon,
  file: DescriptionIcon,
  csv: DescriptionIcon,
  'file-csv': DescriptionIcon,
  'file-text': DescriptionIcon,
  'file-json': DataObjectIcon,
  sigma: FunctionsIcon,
  'file-excel': TableChartIcon,
  'file-parquet': LayersIcon,
  'file-xml': CodeIcon,
  description: DescriptionIcon,
  filter: FilterAltIcon,
  aggregate: FunctionsIcon,
  functions: FunctionsIcon,
  union: CallMergeIcon,
  merge: CallMergeIcon,
  sort: SortIcon,
  table: TableChartIcon,
  excel: TableChartIcon,
  xlsx: TableChartIcon,
  parquet: LayersIcon,
  cloud: CloudIcon,
  s3: CloudIcon,
  http: HttpIcon,
  api: HttpIcon,
  json: DataObjectIcon,
  columns: ViewColumnIcon,
  select: ViewColumnIcon,
  join: JoinInnerIcon,
  calculate: CalculateIcon,
  derive: CalculateIcon,
  code: CodeIcon,
  sql: CodeIcon,
  limit: ContentCutIcon,
  mail: MailIcon,
  email: MailIcon,
};

export function iconFor(icon: string | undefined, kind: string, name = ''): SvgIconComponent {
  const byIcon = icon ? kIcons[icon.toLowerCase()] : undefined;
  if (byIcon) return byIcon;
  const byName = kIcons[name.toLowerCase()];
  if (byName) return byName;
  if (kind === 'extract') return InputIcon;
  if (kind === 'load') return OutputIcon;
  return TransformIcon;
}

export const kKindColors: Record<string, string> = {
  extract: '#00897b',
  transform: '#5e35b1',
  load: '#ef6c00',
};
