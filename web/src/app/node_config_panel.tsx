// Side panel for the selected node: name, module help, the generated config form and problems.
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Divider from '@mui/material/Divider';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import Alert from '@mui/material/Alert';
import { useEffect, useMemo, useRef } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useDocStructure, useEditorStore } from '../store/editor_store';
import { moduleKey, type ModuleIndex } from '../model/modules';
import { SchemaForm } from '../forms/schema_form';
import { FormContext } from '../forms/form_context';
import { iconFor, kKindColors } from '../canvas/module_icon';
import { NodeRunSettingsSection } from './node_run_settings';
import { PortInputs } from './port_inputs';
import { TemplateControls } from './template_controls';
import { savedPreviewQuery, type SavedPreviewKey } from '../components/preview_panel';
import { AssistSection } from '../components/assist_section';

// Typing in a field within this window of the previous edit extends the same undo step.
const kCoalesceMs = 1000;

export function NodeConfigPanel(props: {
  nodeId: string;
  modules: ModuleIndex;
  errors: string[];
  readOnly: boolean;
  pipelineId: string;
  savedPreviewKey?: SavedPreviewKey;
  onPreview: () => void;
  // After a natural-language proposal was applied: the node to preview (the new or changed one).
  onAssistApplied?: (nodeId: string) => void;
}) {
  const { nodeId, modules, errors, readOnly, pipelineId, savedPreviewKey, onPreview, onAssistApplied } = props;
  const queryClient = useQueryClient();
  // Fetch the node's saved preview ahead, so "Preview data" shows it at once.
  const savedFor = savedPreviewKey?.pipelineId;
  const savedVersion = savedPreviewKey?.version;
  useEffect(() => {
    if (savedFor && savedVersion !== undefined) void queryClient.prefetchQuery(savedPreviewQuery({ pipelineId: savedFor, version: savedVersion }, nodeId));
  }, [queryClient, nodeId, savedFor, savedVersion]);
  const doc = useDocStructure();
  const node = doc.nodes.find((n) => n.id === nodeId);
  const last = useRef({ at: 0, field: '' });
  const ctx = useMemo(
    () => (node ? { pipelineId, doc, nodeId, moduleName: node.module, readOnly } : null),
    [pipelineId, doc, nodeId, node, readOnly],
  );
  if (!node || !ctx) return null;
  const desc = modules.get(moduleKey(node.type, node.module));
  const Icon = iconFor(desc?.icon, node.type, node.module);
  const edit = (field: string, change: Parameters<ReturnType<typeof useEditorStore.getState>['apply']>[0]) => {
    const now = Date.now();
    const coalesce = now - last.current.at < kCoalesceMs && last.current.field === field;
    if (coalesce) useEditorStore.getState().apply(change, { commit: false });
    else useEditorStore.getState().apply(change);
    last.current = { at: now, field };
  };
  return (
    <Box component="aside" aria-label="Node settings" sx={{ width: 340, borderLeft: 1, borderColor: 'divider', bgcolor: '#fff', overflow: 'auto', p: 2, display: 'flex', flexDirection: 'column', gap: 1.5 }}>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
        <Icon sx={{ color: kKindColors[node.type] }} />
        <Typography variant="subtitle1" component="h2" sx={{ fontWeight: 700 }}>
          {node.type} · {node.module}
        </Typography>
      </Box>
      {desc?.summary && (
        <Typography variant="body2" sx={{ color: 'text.secondary' }}>
          {desc.summary}
        </Typography>
      )}
      <TextField
        label="Name"
        value={node.name}
        disabled={readOnly}
        onChange={(e) => edit(`${nodeId}/name`, { kind: 'renameNode', id: nodeId, name: e.target.value })}
        slotProps={{ htmlInput: { 'data-field': '__name' } }}
      />
      <Typography variant="caption" sx={{ color: 'text.secondary', mt: -1 }}>
        id: {node.id}
      </Typography>
      {errors.length > 0 && (
        <Alert severity="warning" data-testid="node-issues">
          {errors.map((e, i) => (
            <div key={i}>{e}</div>
          ))}
        </Alert>
      )}
      <PortInputs doc={doc} nodeId={nodeId} modules={modules} readOnly={readOnly} />
      {desc && (
        <TemplateControls
          module={moduleKey(node.type, node.module)}
          config={node.config}
          nodeName={node.name}
          readOnly={readOnly}
          onApply={(config) => {
            useEditorStore.getState().apply({ kind: 'setConfig', id: nodeId, config });
            last.current = { at: 0, field: '' };
          }}
        />
      )}
      {!readOnly && onAssistApplied && (
        <>
          <Divider />
          <AssistSection key={nodeId} nodeId={nodeId} nodeType={node.type} nodeModule={node.module} onApplied={onAssistApplied} />
        </>
      )}
      <Divider />
      <FormContext.Provider value={ctx}>
        {desc ? (
          <SchemaForm
            schema={desc.config_schema ?? {}}
            value={node.config}
            onChange={(config) => edit(`${nodeId}/config`, { kind: 'setConfig', id: nodeId, config })}
          />
        ) : (
          <Alert severity="error">Unknown module {node.type}.{node.module}</Alert>
        )}
      </FormContext.Provider>
      <Divider />
      <NodeRunSettingsSection
        node={node}
        readOnly={readOnly}
        onChange={(settings) => edit(`${nodeId}/run`, { kind: 'setNodeRunSettings', id: nodeId, settings })}
      />
      <Divider />
      <Button variant="outlined" onClick={onPreview}>
        Preview data
      </Button>
      {desc?.description && (
        <Typography variant="body2" component="div" sx={{ color: 'text.secondary', whiteSpace: 'pre-wrap' }}>
          {desc.description}
        </Typography>
      )}
    </Box>
  );
}
