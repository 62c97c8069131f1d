/**
 * The NemoVideo paths the edit flow calls, in front of a real ADK API server, on loopback. It only translates:
 * - `POST /api/tasks/me/with-session/nemo_agent` creates an ADK session (with a one-clip timeline);
 * - `GET /api/state/nemo_agent/me/<sid>/latest` reads that session's state;
 * - `POST /run_sse` renames the documented snake_case keys to the camelCase ADK-JS reads, and returns ADK's
 *   bytes untouched. With `forceStreaming` set it overrides the bot's `streaming` (non-streaming mode).
 * It records each /run_sse body as the bot sent it, and every ADK event it relayed.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { appendVisual, emptyDraft } from '../fakes/nemo/draft.js';

const APP = 'nemo_agent';
const RENAMES: Record<string, string> = {
  app_name: 'appName',
  user_id: 'userId',
  session_id: 'sessionId',
  new_message: 'newMessage',
  state_delta: 'stateDelta',
};

export class NemoGateway {
  /** Each /run_sse request body as the bot sent it. */
  readonly runRequests: Array<Record<string, unknown>> = [];
  /** The raw text of every ADK event relayed to the bot, in order. */
  readonly relayed: string[] = [];
  /** undefined: pass the bot's `streaming` on; a boolean: send that instead. */
  forceStreaming: boolean | undefined;
  private readonly relayWaiters: Array<() => void> = [];
  private server: Server | undefined;

  constructor(private readonly adkUrl: string) {}

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res).catch(() => res.destroy()));
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  /** Resolves once an ADK event holding `text` went through to the bot. */
  relayedText(text: string): Promise<void> {
    return new Promise((resolve) => {
      const check = () => this.relayed.some((event) => event.includes(text));
      if (check()) return resolve();
      const waiter = () => {
        if (!check()) return;
        this.relayWaiters.splice(this.relayWaiters.indexOf(waiter), 1);
        resolve();
      };
      this.relayWaiters.push(waiter);
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '';
    if (req.method === 'POST' && url === `/api/tasks/me/with-session/${APP}`) return this.createSession(res);
    const state = /^\/api\/state\/nemo_agent\/me\/([^/]+)\/latest$/.exec(url);
    if (req.method === 'GET' && state) return this.state(decodeURIComponent(state[1]!), res);
    if (req.method === 'POST' && url === '/run_sse') return this.runSse(req, res);
    envelope(res, 404, { code: 404, message: 'not in the conformance gateway' });
  }

  private async createSession(res: ServerResponse): Promise<void> {
    const draft = emptyDraft('conformance');
    appendVisual(draft, 'city timelapse', 10_000);
    const answer = await fetch(`${this.adkUrl}/apps/${APP}/users/me/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ state: { draft } }),
    });
    const session = (await answer.json()) as { id: string };
    envelope(res, 200, {
      code: 0,
      message: 'ok',
      data: { task_id: `task-${session.id}`, session_id: session.id, user_id: 'me' },
    });
  }

  private async state(sessionId: string, res: ServerResponse): Promise<void> {
    const answer = await fetch(
      `${this.adkUrl}/apps/${APP}/users/me/sessions/${encodeURIComponent(sessionId)}`,
    );
    if (answer.status === 404) return envelope(res, 200, { code: 1002, message: 'session not found' });
    const session = (await answer.json()) as { id: string; state?: { draft?: unknown } };
    envelope(res, 200, {
      code: 0,
      message: 'ok',
      data: {
        session_id: session.id,
        task_id: `task-${session.id}`,
        state: { draft: session.state?.draft ?? null },
      },
    });
  }

  private async runSse(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const sent = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    this.runRequests.push(sent);
    const forwarded: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(sent)) forwarded[RENAMES[key] ?? key] = value;
    if (this.forceStreaming !== undefined) forwarded['streaming'] = this.forceStreaming;

    const leave = new AbortController();
    res.once('close', () => leave.abort());
    const answer = await fetch(`${this.adkUrl}/run_sse`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify(forwarded),
      signal: leave.signal,
    });
    res.writeHead(answer.status, {
      'content-type': answer.headers.get('content-type') ?? 'text/event-stream',
    });
    res.flushHeaders();
    const decoder = new TextDecoder();
    let text = '';
    for await (const chunk of answer.body ?? []) {
      res.write(chunk);
      text += decoder.decode(chunk, { stream: true });
      const events = text.split('\n\n');
      text = events.pop() ?? '';
      this.relayed.push(...events.filter((e) => e.trim() !== ''));
      for (const waiter of [...this.relayWaiters]) waiter();
    }
    res.end();
  }
}

function envelope(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
