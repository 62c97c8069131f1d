/** A tiny raw-HTTP client for the emulator's own tests (the real client lives in src/nemo). */
import { randomUUID } from 'node:crypto';
import { request } from 'undici';
import type { Emulator } from '../fakes/nemo/emulator.js';

export const ATTRIBUTION = {
  'x-skill-source': 'video-models',
  'x-skill-version': '1.0.0',
  'x-skill-platform': 'unknown',
} as const;

// biome-ignore lint/suspicious/noExplicitAny: tests read loosely typed JSON answers
export type Json = any;

export function authHeaders(token: string): Record<string, string> {
  return { ...ATTRIBUTION, authorization: `Bearer ${token}` };
}

export async function call(
  emu: Emulator,
  method: 'GET' | 'POST',
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Record<string, unknown>; json: Json; text: string }> {
  const headers: Record<string, string> = {
    ...(options.token ? authHeaders(options.token) : {}),
    ...options.headers,
  };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const res = await request(`${emu.url}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await res.body.text();
  let json: Json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.statusCode, headers: res.headers, json, text };
}

export async function anonymousToken(emu: Emulator, clientId: string = randomUUID()): Promise<string> {
  const res = await call(emu, 'POST', '/api/auth/anonymous-token', { headers: { 'x-client-id': clientId } });
  if (res.json?.code !== 0) throw new Error(`no token: ${res.status} ${res.text}`);
  return res.json.data.token;
}

export async function newSession(emu: Emulator, token: string): Promise<string> {
  const res = await call(emu, 'POST', '/api/tasks/me/with-session/nemo_agent', {
    token,
    body: { task_name: 'project', language: 'en' },
  });
  if (res.json?.code !== 0) throw new Error(`no session: ${res.text}`);
  return res.json.data.session_id;
}

export async function getState(emu: Emulator, token: string, sessionId: string): Promise<Json> {
  return (await call(emu, 'GET', `/api/state/nemo_agent/me/${sessionId}/latest`, { token })).json;
}

export function runSseBody(sessionId: string, text: string) {
  return { app_name: 'nemo_agent', user_id: 'me', session_id: sessionId, new_message: { parts: [{ text }] } };
}

/**
 * Splits a raw event stream into its `data:` payloads, checking the framing the backend uses:
 * every event is one `data:` line ended by a blank line; no `event:`/`id:` lines; nothing trails.
 */
export function sseFrames(raw: string): string[] {
  if (raw === '') return [];
  if (!raw.endsWith('\n\n'))
    throw new Error(`stream does not end with a blank line: ${JSON.stringify(raw.slice(-40))}`);
  return raw
    .slice(0, -2)
    .split('\n\n')
    .map((block) => {
      const lines = block.split('\n');
      if (lines.length !== 1 || !lines[0]!.startsWith('data:'))
        throw new Error(`bad SSE block: ${JSON.stringify(block)}`);
      return lines[0]!.slice('data:'.length).trim();
    });
}

/** The JSON events of a stream, without keep-alives (heartbeat events and empty data lines). */
export function contentEvents(raw: string): Json[] {
  return sseFrames(raw)
    .filter((data) => data !== '')
    .map((data) => JSON.parse(data))
    .filter((event) => event.type !== 'heartbeat');
}

export async function runSse(emu: Emulator, token: string, sessionId: string, text: string) {
  const res = await request(`${emu.url}/run_sse`, {
    method: 'POST',
    headers: { ...authHeaders(token), 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify(runSseBody(sessionId, text)),
  });
  return { status: res.statusCode, headers: res.headers, raw: await res.body.text() };
}
