// Keyboard-usable wiring: for each input port of the selected node, a select of the outputs
// that may feed it (the same rules as dragging a wire on the canvas).
import MenuItem from '@mui/material/MenuItem';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import Box from '@mui/material/Box';
import { useEditorStore } from '../store/editor_store';
import { checkConnection, inputPorts, outputPorts } from '../model/graph';
import type { ModuleIndex } from '../model/modules';
import type { PipelineDocument } from '../model/pipeline_document';

export function PortInputs({ doc, nodeId, modules, readOnly }: { doc: PipelineDocument; nodeId: string; modules: ModuleIndex; readOnly: boolean }) {
  const node = doc.nodes.find((n) => n.id === nodeId);
  if (!node) return null;
  const ports = inputPorts(node, modules).filter((p) => !p.variadic);
  if (!ports.length) return null;
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 1 }}>
      <Typography variant="subtitle2" component="h3">
        Inputs
      </Typography>
      {ports.map((port) => {
        const current = doc.edges.find((e) => e.target === nodeId && e.target_port === port.name);
        const value = current ? `${current.source}\u0000${current.source_port}` : '';
        // Candidates are checked against the document without this port's current edge.
        const without = current ? { ...doc, edges: doc.edges.filter((e) => e !== current) } : doc;
        const options = doc.nodes.flatMap((src) =>
          outputPorts(src, modules)
            .filter((op) => checkConnection(without, modules, { source: src.id, source_port: op.name, target: nodeId, target_port: port.name }).ok)
            .map((op) => ({ key: `${src.id}\u0000${op.name}`, label: `${src.name || src.id} · ${op.name}`, source: src.id, source_port: op.name })),
        );
        return (
          <TextField
            key={port.name}
            select
            label={`Input "${port.name}"`}
            value={value}
            disabled={readOnly}
            helperText={port.description}
            onChange={(e) => {
              const st = useEditorStore.getState();
              const picked = options.find((o) => o.key === e.target.value);
              st.beginGesture();
              if (current) st.apply({ kind: 'removeEdges', edges: [current] }, { commit: false });
              if (picked) st.apply({ kind: 'addEdge', edge: { source: picked.source, source_port: picked.source_port, target: nodeId, target_port: port.name } }, { commit: false });
            }}
          >
            <MenuItem value="">
              <em>Not connected</em>
            </MenuItem>
            {options.map((o) => (
              <MenuItem key={o.key} value={o.key}>
                {o.label}
              </MenuItem>
            ))}
            {current && !options.some((o) => o.key === value) && <MenuItem value={value}>{`${current.source} · ${current.source_port}`}</MenuItem>}
          </TextField>
        );
      })}
    </Box>
  );
}
