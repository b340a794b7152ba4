// The notification setting form: editable state, conversion to the API body and the checks the
// browser can make before asking the server (which stays the authority and names fields too).
import type { NotificationChannel, NotificationEvent, NotificationInput, NotificationSetting } from '../api/types';

export const kChannels: NotificationChannel[] = ['webhook', 'slack', 'email'];
export const kEvents: NotificationEvent[] = ['run.succeeded', 'run.failed', 'run.interrupted', 'run.anomaly'];

export interface NotificationForm {
  name: string;
  channel: NotificationChannel;
  pipeline_id: string; // '' = every pipeline of the organization
  events: NotificationEvent[];
  to: string; // email addresses, separated by commas or new lines
  url: string; // write-only: empty keeps the stored URL when editing
  secret: string; // write-only: empty keeps the stored secret when editing
  remove_secret: boolean;
  enabled: boolean;
}

// The stored URL and secret are never put back into the inputs; the form shows url_masked /
// has_secret beside them instead.
export function notificationToForm(s: NotificationSetting | null, pipelineId = ''): NotificationForm {
  return {
    name: s?.name ?? '',
    channel: s?.channel ?? 'webhook',
    pipeline_id: s ? (s.pipeline_id ?? '') : pipelineId,
    events: s?.events ?? ['run.failed'],
    to: (s?.to ?? []).join(', '),
    url: '',
    secret: '',
    remove_secret: false,
    enabled: s?.enabled ?? true,
  };
}

export function splitAddresses(text: string): string[] {
  return text
    .split(/[,;\n]/)
    .map((a) => a.trim())
    .filter(Boolean);
}

const kEmail = /^[^\s@]+@[^\s@]+$/;

export interface NotificationBody {
  input?: NotificationInput;
  errors: Record<string, string>; // keyed like the server's pointers: name, url, to, events
}

// Builds the POST/PUT body; `existing` is the stored setting when editing (its URL is kept
// unless a new one is typed, except when the channel changes to another HTTP channel).
export function notificationBody(f: NotificationForm, existing: NotificationSetting | null): NotificationBody {
  const errors: Record<string, string> = {};
  const name = f.name.trim();
  if (!name) errors.name = 'A name is required';
  if (f.events.length === 0) errors.events = 'Pick at least one event';
  const input: NotificationInput = { name, channel: f.channel, pipeline_id: f.pipeline_id || null, events: [...f.events], enabled: f.enabled };
  if (f.channel === 'email') {
    const to = splitAddresses(f.to);
    const bad = to.find((a) => !kEmail.test(a));
    if (to.length === 0) errors.to = 'At least one address is required';
    else if (bad) errors.to = `Not an email address: ${bad}`;
    input.to = to;
  } else {
    const url = f.url.trim();
    const needUrl = !existing || existing.channel !== f.channel || !existing.url_masked;
    if (url) {
      if (!/^https?:\/\/[^\s/]+/i.test(url)) errors.url = 'Must be an http:// or https:// URL';
      input.url = url;
    } else if (needUrl) {
      errors.url = f.channel === 'slack' ? 'The Slack incoming-webhook URL is required' : 'A URL is required';
    }
    if (f.channel === 'webhook') {
      if (f.secret) input.secret = f.secret;
      else if (f.remove_secret) input.secret = null;
    } else if (existing?.has_secret) {
      input.secret = null; // only webhooks are signed
    }
  }
  return Object.keys(errors).length ? { errors } : { input, errors };
}
