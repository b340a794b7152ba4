// A WebSocket subscription to one channel of /ws ("run:<id>" or "runs"). Authenticates with the
// current access token, reconnects with back-off, and hands every message to `onMessage`.
import { accessToken } from './client';
import { useAuthStore } from '../store/auth_store';
import type { LogEntry, NodeMetrics, Run } from './types';

export type SocketMessage =
  | { type: 'run.status'; run: Run }
  | { type: 'node.progress'; run_id: string; nodes: Record<string, NodeMetrics> }
  | { type: 'log'; run_id: string; entry: LogEntry }
  | { type: string; [k: string]: unknown };

export function subscribe(channel: string, onMessage: (m: SocketMessage) => void, onState?: (open: boolean) => void): () => void {
  let ws: WebSocket | null = null;
  let closed = false;
  let delay = 500;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const connect = async () => {
    const token = await accessToken();
    if (closed) return;
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
    ws = new WebSocket(url);
    ws.onopen = () => {
      delay = 500;
      ws!.send(JSON.stringify({ type: 'auth', token, organization: useAuthStore.getState().orgId ?? undefined }));
      ws!.send(JSON.stringify({ type: 'subscribe', channel }));
      onState?.(true);
    };
    ws.onmessage = (ev) => {
      // Counted so the browser tests can tell live updates from the polling fallback.
      const w = globalThis as unknown as { __ldWsMessages?: number };
      w.__ldWsMessages = (w.__ldWsMessages ?? 0) + 1;
      try {
        onMessage(JSON.parse(String(ev.data)) as SocketMessage);
      } catch {
        // Ignore frames that are not JSON.
      }
    };
    ws.onclose = () => {
      onState?.(false);
      if (!closed) {
        timer = setTimeout(connect, delay);
        delay = Math.min(delay * 2, 10_000);
      }
    };
    ws.onerror = () => ws?.close();
  };
  void connect();
  return () => {
    closed = true;
    if (timer) clearTimeout(timer);
    ws?.close();
  };
}
