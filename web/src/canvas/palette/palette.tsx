// The module palette: extract / transform / load groups, by category, with search. Items are
// dragged onto the canvas (HTML5 drag and drop carrying the module key) or added with Enter.
import Box from '@mui/material/Box';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { memo, useMemo, useState, type DragEvent } from 'react';
import { paletteGroups, type ModuleDescriptor } from '../../model/modules';
import { iconFor, kKindColors } from '../module_icon';

export const kDragMime = 'application/x-logidata-module';

function PaletteView({ modules, onAdd, disabled }: { modules: ModuleDescriptor[]; onAdd: (key: string) => void; disabled?: boolean }) {
  const [search, setSearch] = useState('');
  const groups = useMemo(() => paletteGroups(modules, search), [modules, search]);
  const onDragStart = (e: DragEvent, key: string) => {
    e.dataTransfer.setData(kDragMime, key);
    e.dataTransfer.setData('text/plain', key);
    e.dataTransfer.effectAllowed = 'move';
  };
  return (
    <Box component="aside" aria-label="Module palette" sx={{ width: 230, borderRight: 1, borderColor: 'divider', display: 'flex', flexDirection: 'column', bgcolor: '#fff', minHeight: 0 }}>
      <Box sx={{ p: 1 }}>
        <TextField fullWidth label="Search modules" value={search} onChange={(e) => setSearch(e.target.value)} />
      </Box>
      <Box sx={{ overflow: 'auto', flex: 1, px: 1, pb: 2 }}>
        {groups.map((g) => (
          <Box key={g.kind} component="section" aria-label={g.title} sx={{ mb: 1 }}>
            <Typography variant="overline" component="h2" sx={{ color: kKindColors[g.kind], fontWeight: 700 }}>
              {g.title}
            </Typography>
            {g.categories.map((c) => (
              <Box key={c.category} sx={{ mb: 0.5 }}>
                <Typography variant="caption" component="h3" sx={{ color: 'text.secondary', textTransform: 'capitalize' }}>
                  {c.category}
                </Typography>
                {c.modules.map((m) => {
                  const Icon = iconFor(m.icon, m.kind, m.name);
                  return (
                    <Box
                        key={m.key}
                        title={m.summary}
                        role="button"
                        tabIndex={0}
                        aria-label={`Add ${m.kind} ${m.name}`}
                        aria-disabled={disabled}
                        data-testid={`palette-${m.key}`}
                        draggable={!disabled}
                        onDragStart={(e) => onDragStart(e, m.key)}
                        onKeyDown={(e) => {
                          if (!disabled && (e.key === 'Enter' || e.key === ' ')) {
                            e.preventDefault();
                            onAdd(m.key);
                          }
                        }}
                        onDoubleClick={() => !disabled && onAdd(m.key)}
                        sx={{
                          display: 'flex',
                          alignItems: 'center',
                          gap: 1,
                          px: 1,
                          py: 0.5,
                          my: 0.25,
                          borderRadius: 1,
                          border: '1px solid',
                          borderColor: 'divider',
                          cursor: disabled ? 'default' : 'grab',
                          bgcolor: '#fafafa',
                          '&:hover, &:focus-visible': { borderColor: kKindColors[m.kind], bgcolor: '#fff', outline: 'none' },
                        }}
                      >
                        <Icon sx={{ fontSize: 18, color: kKindColors[m.kind] }} />
                        <span style={{ fontSize: 13 }}>{m.name}</span>
                      </Box>
                  );
                })}
              </Box>
            ))}
          </Box>
        ))}
        {groups.length === 0 && (
          <Typography variant="body2" sx={{ color: 'text.secondary', p: 1 }}>
            {modules.length ? 'No module matches.' : 'No modules available.'}
          </Typography>
        )}
      </Box>
    </Box>
  );
}

export const Palette = memo(PaletteView);
