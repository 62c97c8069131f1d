/**
 * The far side of the real ADK server, on loopback: a scripted Gemini REST API (what ADK's own Gemini model
 * class calls through @google/genai, pointed here by GOOGLE_GEMINI_BASE_URL) and the backend the
 * `edit_multitrack` tool calls. Each scenario is chosen by the user's message, and each model call of it by
 * how many model turns the request already holds, so ADK's real aggregation of partial and final responses
 * runs on answers we wrote.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { addTitle, setFilter } from '../fakes/nemo/draft.js';
import type { Draft } from '../fakes/nemo/types.js';

export interface GeminiPart {
  text?: string;
  thought?: boolean;
  functionCall?: { name: string; args: Record<string, unknown> };
}

/** One streamed GenerateContentResponse, or Gemini's error object sent mid-stream. */
export type ScriptChunk =
  | { parts: GeminiPart[]; finishReason?: string; finishMessage?: string; before?: () => Promise<unknown> }
  | { error: { code: number; message: string; status: string }; before?: () => Promise<unknown> };

/** One model call: its chunks, or an HTTP error answered before any byte of a stream. */
export type ScriptTurn =
  | ScriptChunk[]
  | { status: number; error: { code: number; message: string; status: string } };

const USAGE = { promptTokenCount: 42, candidatesTokenCount: 7, totalTokenCount: 49 };

function response(chunk: Extract<ScriptChunk, { parts: GeminiPart[] }>) {
  return {
    candidates: [
      {
        content: { role: 'model', parts: chunk.parts },
        ...(chunk.finishReason && { finishReason: chunk.finishReason }),
        ...(chunk.finishMessage && { finishMessage: chunk.finishMessage }),
        index: 0,
      },
    ],
    usageMetadata: USAGE,
    modelVersion: 'gemini-2.5-flash',
  };
}

/** A non-streaming answer holds the whole turn: neighbouring text parts of one kind joined, as Gemini does. */
function wholeTurn(chunks: ScriptChunk[]) {
  const parts: GeminiPart[] = [];
  let finishReason: string | undefined;
  for (const chunk of chunks) {
    if ('error' in chunk) return { error: chunk.error };
    for (const part of chunk.parts) {
      const last = parts.at(-1);
      if (part.text !== undefined && last?.text !== undefined && !!last.thought === !!part.thought) {
        last.text += part.text;
      } else parts.push({ ...part });
    }
    finishReason = chunk.finishReason ?? finishReason;
  }
  return response({ parts, finishReason: finishReason ?? 'STOP' });
}

interface GenerateRequest {
  contents?: Array<{ role?: string; parts?: Array<{ text?: string }> }>;
}

/** The scenario's name (the user's message) and how many model calls answered since it. */
function whereInScript(body: GenerateRequest): { message: string; turn: number } {
  const contents = body.contents ?? [];
  const first = contents.findIndex((c) => c.role === 'user' && c.parts?.some((p) => p.text));
  const message = contents[first]?.parts?.find((p) => p.text)?.text ?? '';
  // One model call may leave several model contents in the history (streaming splits a thought from a call).
  const turn = contents
    .slice(first)
    .filter((c, i, all) => c.role === 'model' && all[i - 1]?.role !== 'model').length;
  return { message, turn };
}

/** What the tool backend does for one `action`: answer, fail, or hold until the test opens a gate. */
export type ToolBehaviour = { fail: string } | { hold: Promise<unknown> };

export class ScriptedGemini {
  readonly scenarios = new Map<string, ScriptTurn[]>();
  readonly toolBehaviours = new Map<string, ToolBehaviour>();
  /** Every tool call that reached the backend (`args`), in order; the tool runs in ADK's process. */
  readonly toolCalls: Array<Record<string, unknown>> = [];
  private readonly toolCallWaiters: Array<() => void> = [];
  private server: Server | undefined;

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

  /** Resolves once the tool was called with this action (already or later). */
  toolCalled(action: string): Promise<void> {
    return new Promise((resolve) => {
      const check = () => this.toolCalls.some((args) => args['action'] === action);
      if (check()) return resolve();
      const waiter = () => {
        if (!check()) return;
        this.toolCallWaiters.splice(this.toolCallWaiters.indexOf(waiter), 1);
        resolve();
      };
      this.toolCallWaiters.push(waiter);
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    const url = req.url ?? '';
    if (url === '/tool') return this.tool(body, res);
    const { message, turn } = whereInScript(body);
    const script = this.scenarios.get(message);
    // A model call past the script's end: the model just stops (no parts), as a finished turn does.
    const step: ScriptTurn = script?.[turn] ?? [{ parts: [], finishReason: 'STOP' }];
    if (!Array.isArray(step)) return json(res, step.status, { error: step.error });
    if (url.includes(':streamGenerateContent')) return this.stream(step, res);
    if (url.includes(':generateContent')) {
      // `before` gates wait on streamed events, which a non-streaming call never produces.
      const whole = wholeTurn(step);
      return 'error' in whole ? json(res, whole.error.code, whole) : json(res, 200, whole);
    }
    json(res, 404, { error: { code: 404, message: 'not scripted', status: 'NOT_FOUND' } });
  }

  private async stream(step: ScriptChunk[], res: ServerResponse): Promise<void> {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const chunk of step) {
      await chunk.before?.();
      const payload = 'error' in chunk ? { error: chunk.error } : response(chunk);
      await new Promise<void>((resolve) =>
        res.write(`data: ${JSON.stringify(payload)}\r\n\r\n`, () => resolve()),
      );
    }
    res.end();
  }

  private async tool(body: { args: Record<string, unknown>; draft: unknown }, res: ServerResponse) {
    const action = String(body.args['action'] ?? '');
    this.toolCalls.push(body.args);
    for (const waiter of [...this.toolCallWaiters]) waiter();
    const behaviour = this.toolBehaviours.get(action);
    if (behaviour && 'fail' in behaviour) return json(res, 500, { error: behaviour.fail });
    if (behaviour && 'hold' in behaviour) await behaviour.hold;
    const draft = structuredClone(body.draft as Draft);
    if (action === 'apply_filter') setFilter(draft, String(body.args['filter'] ?? 'warm'));
    if (action === 'add_text') addTitle(draft, String(body.args['text'] ?? 'Title'));
    json(res, 200, { response: { status: 'success' }, draft });
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
