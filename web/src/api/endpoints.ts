// Typed calls for each endpoint in docs/api.md.
import { api, request, type AuthResponse } from './client';
import type {
  ApiKey,
  AssistKind,
  AssistProposal,
  AssistProposalFields,
  AssistSettings,
  AssistSettingsInput,
  AssistStatus,
  Invitation,
  AuditEntry,
  Connection,
  ConnectionInput,
  ConnectionTestResult,
  EgressAllowList,
  ExpressionCheck,
  LogEntry,
  Me,
  Member,
  ModuleTemplate,
  NotificationInput,
  NotificationSetting,
  NotificationTestResult,
  SavedPreview,
  SavedPreviewSummary,
  TemplateInput,
  Page,
  PipelineSummary,
  PipelineVersion,
  PreviewResult,
  Run,
  NodeMetrics,
  NodeSchema,
  NodeProfile,
  ValidationResult,
} from './types';
import type { ModuleDescriptor } from '../model/modules';

// Some list endpoints may answer a bare array; accept both.
function items<T>(v: T[] | { items: T[] } | undefined): T[] {
  if (!v) return [];
  return Array.isArray(v) ? v : (v.items ?? []);
}

export const Auth = {
  login: (email: string, password: string) =>
    request<AuthResponse>('/api/v1/auth/login', { method: 'POST', body: { email, password }, auth: false }),
  register: (email: string, password: string, name: string) =>
    request<AuthResponse>('/api/v1/auth/register', { method: 'POST', body: { email, password, name }, auth: false }),
  acceptInvite: (token: string, password: string, name: string) =>
    request<AuthResponse>('/api/v1/auth/accept-invite', { method: 'POST', body: { token, password, name }, auth: false }),
  changePassword: (current_password: string, new_password: string) =>
    api.post<void>('/api/v1/me/password', { current_password, new_password }),
  logout: (refresh_token: string) =>
    request<void>('/api/v1/auth/logout', { method: 'POST', body: { refresh_token }, auth: false }),
  me: () => api.get<Me>('/api/v1/me'),
  createOrganization: (name: string) => api.post<{ id: string; name: string }>('/api/v1/organizations', { name }),
};

export const Modules = {
  list: async () => items(await api.get<ModuleDescriptor[] | { items: ModuleDescriptor[] }>('/api/v1/modules')),
};

export const Pipelines = {
  list: (q: { q?: string; page?: number; page_size?: number; sort?: string }) =>
    api.get<Page<PipelineSummary>>('/api/v1/pipelines', q),
  get: (id: string) => api.get<Record<string, unknown>>(`/api/v1/pipelines/${encodeURIComponent(id)}`),
  create: (doc: unknown) => api.post<Record<string, unknown>>('/api/v1/pipelines', doc),
  update: (id: string, doc: unknown) => api.put<Record<string, unknown>>(`/api/v1/pipelines/${encodeURIComponent(id)}`, doc),
  remove: (id: string) => api.del(`/api/v1/pipelines/${encodeURIComponent(id)}`),
  clone: (id: string, name: string) => api.post<Record<string, unknown>>(`/api/v1/pipelines/${encodeURIComponent(id)}/clone`, { name }),
  import: (doc: unknown) => api.post<Record<string, unknown>>('/api/v1/pipelines/import', doc),
  exportDoc: (id: string) => api.get<Record<string, unknown>>(`/api/v1/pipelines/${encodeURIComponent(id)}/export`),
  versions: async (id: string) =>
    items(await api.get<PipelineVersion[] | { items: PipelineVersion[] }>(`/api/v1/pipelines/${encodeURIComponent(id)}/versions`)),
  version: (id: string, v: number) => api.get<Record<string, unknown>>(`/api/v1/pipelines/${encodeURIComponent(id)}/versions/${v}`),
  restore: (id: string, v: number) =>
    api.post<Record<string, unknown>>(`/api/v1/pipelines/${encodeURIComponent(id)}/versions/${v}/restore`),
  validate: (doc: unknown) => api.post<ValidationResult>('/api/v1/pipelines/validate', doc),
  run: (id: string, parameters: Record<string, unknown> = {}) =>
    api.post<Run>(`/api/v1/pipelines/${encodeURIComponent(id)}/runs`, { parameters }),
  schema: (id: string, pipeline: unknown, node_id: string) =>
    api.post<NodeSchema>(
      `/api/v1/pipelines/${encodeURIComponent(id || '_')}/schema`,
      { pipeline, node_id },
    ),
};

export const Runs = {
  list: (q: { pipeline_id?: string; status?: string; page?: number; page_size?: number }) =>
    api.get<Page<Run>>('/api/v1/runs', q),
  get: (id: string) => api.get<Run>(`/api/v1/runs/${encodeURIComponent(id)}`),
  cancel: (id: string) => api.post<Run>(`/api/v1/runs/${encodeURIComponent(id)}/cancel`),
  retry: (id: string) => api.post<Run>(`/api/v1/runs/${encodeURIComponent(id)}/retry`),
  logs: (id: string, after?: number, limit = 500) =>
    api.get<{ items: LogEntry[]; next?: number | null }>(`/api/v1/runs/${encodeURIComponent(id)}/logs`, { after, limit }),
  nodes: async (id: string) =>
    items(await api.get<NodeMetrics[] | { items: NodeMetrics[] }>(`/api/v1/runs/${encodeURIComponent(id)}/nodes`)),
};

export const Preview = {
  // With pipeline_id (a stored pipeline) the server also saves the result for later reopening.
  fetch: (pipeline: unknown, node_id: string, offset: number, limit: number, pipeline_id?: string) =>
    api.post<PreviewResult>('/api/v1/preview', pipeline_id ? { pipeline, node_id, offset, limit, pipeline_id } : { pipeline, node_id, offset, limit }),
  saved: async (pipeline_id: string, node_id: string) =>
    items(await api.get<{ items: SavedPreviewSummary[] }>(`/api/v1/pipelines/${encodeURIComponent(pipeline_id)}/previews`, { node_id })),
  savedResult: (id: string) => api.get<SavedPreview>(`/api/v1/previews/${encodeURIComponent(id)}`),
  checkExpression: (expression: string, pipeline: unknown, node_id: string) =>
    api.post<ExpressionCheck>('/api/v1/expressions/check', { expression, pipeline, node_id }),
};

export const Profile = {
  // Profiles a node of a stored pipeline; `pipeline` (unsaved edits) needs the developer role.
  node: (pipeline_id: string, node_id: string, rows: number, pipeline?: unknown) =>
    api.post<NodeProfile>(
      `/api/v1/pipelines/${encodeURIComponent(pipeline_id)}/profile`,
      pipeline === undefined ? { node_id, rows } : { node_id, rows, pipeline },
    ),
};

export const Connections = {
  list: async () => items(await api.get<Connection[] | Page<Connection>>('/api/v1/connections')),
  get: (id: string) => api.get<Connection>(`/api/v1/connections/${encodeURIComponent(id)}`),
  create: (c: ConnectionInput) => api.post<Connection>('/api/v1/connections', c),
  update: (id: string, c: ConnectionInput) => api.put<Connection>(`/api/v1/connections/${encodeURIComponent(id)}`, c),
  remove: (id: string) => api.del(`/api/v1/connections/${encodeURIComponent(id)}`),
  test: (id: string) => api.post<ConnectionTestResult>(`/api/v1/connections/${encodeURIComponent(id)}/test`),
  testUnsaved: (c: ConnectionInput) => api.post<ConnectionTestResult>('/api/v1/connections/test', c),
};

export const Admin = {
  members: async () => items(await api.get<Member[] | Page<Member>>('/api/v1/members')),
  addMember: (email: string, role: string) => api.post<Member>('/api/v1/members', { email, role }),
  setRole: (user_id: string, role: string) => api.patch<Member>(`/api/v1/members/${encodeURIComponent(user_id)}`, { role }),
  removeMember: (user_id: string) => api.del(`/api/v1/members/${encodeURIComponent(user_id)}`),
  apiKeys: async () => items(await api.get<ApiKey[] | Page<ApiKey>>('/api/v1/api-keys')),
  createApiKey: (name: string, role: string, expires_at?: string) =>
    api.post<{ id: string; key: string }>('/api/v1/api-keys', expires_at ? { name, role, expires_at } : { name, role }),
  invitations: async () => items(await api.get<Invitation[] | Page<Invitation>>('/api/v1/invitations')),
  invite: (email: string, role: string) => api.post<Invitation>('/api/v1/invitations', { email, role }),
  revokeInvitation: (id: string) => api.del(`/api/v1/invitations/${encodeURIComponent(id)}`),
  setActive: (user_id: string, active: boolean) =>
    api.post<void>(`/api/v1/members/${encodeURIComponent(user_id)}/${active ? 'activate' : 'deactivate'}`, {}),
  revokeApiKey: (id: string) => api.del(`/api/v1/api-keys/${encodeURIComponent(id)}`),
  audit: (q: { actor?: string; action?: string; object_type?: string; page?: number; page_size?: number }) =>
    api.get<Page<AuditEntry>>('/api/v1/audit', q),
  // Internal address blocks (CIDR) the organization's work may reach, beside the server's own list.
  egress: () => api.get<EgressAllowList>('/api/v1/organization/egress'),
  setEgress: (allow: string[]) => api.put<EgressAllowList>('/api/v1/organization/egress', { allow }),
  // The natural-language endpoint (the key is write-only).
  assistSettings: () => api.get<AssistSettings>('/api/v1/organization/assist'),
  setAssistSettings: (s: AssistSettingsInput) => api.put<AssistSettings>('/api/v1/organization/assist', s),
  removeAssistSettings: () => api.del('/api/v1/organization/assist'),
};

// Natural-language assistance: proposals checked by the server, applied only by the user.
export const Assist = {
  status: () => api.get<AssistStatus>('/api/v1/assist/status'),
  propose: (kind: AssistKind, request: string, pipeline: unknown, node_id?: string) =>
    api.post<AssistProposal>('/api/v1/assist/propose', node_id ? { kind, request, pipeline, node_id } : { kind, request, pipeline }),
  check: (kind: AssistKind, proposal: AssistProposalFields, pipeline: unknown, node_id?: string) =>
    api.post<AssistProposal>('/api/v1/assist/check', node_id ? { kind, proposal, pipeline, node_id } : { kind, proposal, pipeline }),
};

export const Notifications = {
  list: async (pipeline_id?: string) =>
    items(await api.get<{ items: NotificationSetting[] }>('/api/v1/notifications', { pipeline_id })),
  create: (n: NotificationInput) => api.post<NotificationSetting>('/api/v1/notifications', n),
  update: (id: string, n: Partial<NotificationInput>) => api.put<NotificationSetting>(`/api/v1/notifications/${encodeURIComponent(id)}`, n),
  remove: (id: string) => api.del(`/api/v1/notifications/${encodeURIComponent(id)}`),
  test: (id: string) => api.post<NotificationTestResult>(`/api/v1/notifications/${encodeURIComponent(id)}/test`),
};

export interface FileEntry {
  name: string;
  path: string;
  is_directory: boolean;
  size: number;
  modified_at: string;
}
export interface FileListing {
  path: string;
  items: FileEntry[];
  roots: { name: string; writable: boolean }[];
}

// The organization's files on the server (its sandbox): paths relative to its folder, or
// `name:path` inside a root the operator granted.
export const Files = {
  list: (path: string) => api.get<FileListing>('/api/v1/files', { path }),
  upload: (path: string, file: Blob) => request<{ path: string; size: number }>('/api/v1/files/content', { method: 'PUT', query: { path }, upload: file }),
  download: (path: string) => request<Response>('/api/v1/files/content', { query: { path }, raw: true }),
  remove: (path: string) => request<void>('/api/v1/files', { method: 'DELETE', query: { path } }),
};

export const Templates = {
  list: async (module?: string) => items(await api.get<{ items: ModuleTemplate[] }>('/api/v1/templates', { module })),
  create: (t: TemplateInput) => api.post<ModuleTemplate>('/api/v1/templates', t),
  update: (id: string, t: TemplateInput) => api.put<ModuleTemplate>(`/api/v1/templates/${encodeURIComponent(id)}`, t),
  remove: (id: string) => api.del(`/api/v1/templates/${encodeURIComponent(id)}`),
};

// Triggers besides the cron schedule, and backfills (docs/api.md "Triggers").
export interface PipelineTrigger {
  id: string;
  pipeline_id: string;
  kind: 'webhook' | 'on_success';
  upstream_pipeline_id: string | null;
  parameters: Record<string, string | number | boolean>;
  has_hmac_secret: boolean;
  created_by: string;
  created_at: string;
}
// A webhook's creation answer carries its token (shown once) and the path to call.
export interface CreatedTrigger extends PipelineTrigger {
  token?: string;
  hook_path?: string;
}
export interface TriggerInput {
  kind: 'webhook' | 'on_success';
  upstream_pipeline_id?: string;
  hmac_secret?: string;
  parameters?: Record<string, string | number | boolean>;
}
export interface BackfillInput {
  start: string;
  end: string;
  parameters?: Record<string, string | number | boolean>;
  dry_run?: boolean;
}
export interface BackfillResult {
  count: number;
  run_ids: string[];
  first: { interval_start: string; interval_end: string } | null;
  last: { interval_start: string; interval_end: string } | null;
}

export const Triggers = {
  list: async (pipeline_id: string) =>
    items(await api.get<{ items: PipelineTrigger[] }>(`/api/v1/pipelines/${encodeURIComponent(pipeline_id)}/triggers`)),
  create: (pipeline_id: string, t: TriggerInput) =>
    api.post<CreatedTrigger>(`/api/v1/pipelines/${encodeURIComponent(pipeline_id)}/triggers`, t),
  remove: (pipeline_id: string, id: string) =>
    api.del(`/api/v1/pipelines/${encodeURIComponent(pipeline_id)}/triggers/${encodeURIComponent(id)}`),
  backfill: (pipeline_id: string, b: BackfillInput) =>
    api.post<BackfillResult>(`/api/v1/pipelines/${encodeURIComponent(pipeline_id)}/backfill`, b),
};

export const Retention = {
  get: () => api.get<{ retention_days: number | null }>('/api/v1/organization/retention'),
  set: (retention_days: number | null) => api.put<{ retention_days: number | null }>('/api/v1/organization/retention', { retention_days }),
};
