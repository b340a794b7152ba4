// API errors: every non-2xx answer becomes an ApiError carrying the problem+json fields, so
// screens can show the title, the detail and the per-field messages.
export interface FieldError {
  field: string;
  message: string;
}

export interface Problem {
  type?: string;
  title: string;
  status: number;
  detail?: string;
  errors?: FieldError[];
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ? `${problem.title}: ${problem.detail}` : problem.title);
  }
  get status(): number {
    return this.problem.status;
  }
}

export async function problemFromResponse(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => '');
  let body: Partial<Problem> = {};
  try {
    body = text ? (JSON.parse(text) as Partial<Problem>) : {};
  } catch {
    body = { detail: text.slice(0, 300) };
  }
  return new ApiError({
    type: body.type,
    title: body.title || res.statusText || `HTTP ${res.status}`,
    status: body.status ?? res.status,
    detail: body.detail,
    errors: Array.isArray(body.errors) ? body.errors : undefined,
  });
}

export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}

// Field errors of a problem keyed by the first segment of their JSON pointer ("/to/1" → "to"),
// so a form can show each message under its input. Several messages for one field are joined.
export function fieldErrorsOf(e: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!(e instanceof ApiError)) return out;
  for (const fe of e.problem.errors ?? []) {
    const key = fe.field.replace(/^\//, '').split('/')[0] || '';
    if (!key) continue;
    const rest = fe.field.split('/').slice(2).join('/');
    const msg = rest ? `${rest}: ${fe.message}` : fe.message;
    out[key] = out[key] ? `${out[key]}; ${msg}` : msg;
  }
  return out;
}
