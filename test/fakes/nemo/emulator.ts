/**
 * A NemoVideo backend on 127.0.0.1 for tests and local runs: the contract is in
 * /work/notes/EMULATOR-CONTRACT.md, the protocol in /work/shared/nemo-api.md.
 *
 * Edit messages are read by keyword (edit-script.ts): "music"/"BGM", "title"/"text" (a "quoted"
 * text becomes the title), "trim"/"cut" ("to 5s"), "cinematic"/"color"/"look", and generation
 * prompts ("generate …", "create a video …", "turn these … into …"). Test hooks in the message:
 * "GUI" makes the reply say "click the Export button"; "#stream-error" ends the stream with an
 * ADK `{error}` event; "#temporary-issue" appends the backend's "temporary issue" noise.
 * Uploads, renders and generated clips are served from `<url>/media/<name>` without auth.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { operatorAccount } from './auth.js';
import { endRender, holdRenders, setRenderProgress } from './renders.js';
import { createEmulatorServer } from './server.js';
import { EmulatorState } from './state.js';
import type { Emulator, EmulatorOptions, EndpointKey, Fault } from './types.js';

export type * from './types.js';

/** Defaults suit tests (fast); main.ts passes slower, more lifelike timings. */
export const DEFAULT_OPTIONS: Readonly<Required<EmulatorOptions>> = {
  port: 0,
  host: '127.0.0.1',
  publicUrl: '',
  renderStepMs: 300,
  editDelayMs: 20,
  heartbeatMs: 50,
  noTextRatio: 0.3,
  seed: 1,
  initialCredits: 100,
  editCost: 50,
  generateCost: 100,
  tokensPerIpPer7Days: 10,
  maxUploadBytes: 500 * 1024 * 1024,
  renderPollShape: 'data',
  sseStyle: 'adk',
  operatorTokens: [],
};

class RunningEmulator implements Emulator {
  private closing: Promise<void> | undefined;

  constructor(
    private readonly state: EmulatorState,
    private readonly server: Server,
  ) {}

  get url() {
    return this.state.url;
  }
  get requests() {
    return this.state.requests;
  }
  get sessions() {
    return this.state.sessions;
  }
  get tokens() {
    return this.state.tokens;
  }
  get renders() {
    return this.state.renders;
  }
  get options() {
    return this.state.options;
  }

  mostConcurrentStreams(sessionId: string): number {
    return this.state.streamsBySession.get(sessionId)?.most ?? 0;
  }

  openStreams(): number {
    let open = 0;
    for (const streams of this.state.streamsBySession.values()) open += streams.open;
    return open;
  }

  holdRenders(): void {
    holdRenders(this.state);
  }

  setRenderProgress(renderId: string, progress: number): void {
    setRenderProgress(this.state, renderId, progress);
  }

  releaseRenders(): void {
    this.state.renderGate.release();
  }

  holdEdits(): void {
    this.state.editGate.hold();
  }

  releaseEdits(): void {
    this.state.editGate.release();
  }

  requestsTo(endpoint: EndpointKey) {
    return this.state.requests.filter((r) => r.endpoint === endpoint);
  }

  inject(fault: Fault): void {
    this.state.faults.add(fault);
  }

  clearFaults(): void {
    this.state.faults.clear();
  }

  setCredits(token: string, available: number): void {
    const account = operatorAccount(this.state, token);
    if (!account) throw new Error('setCredits: unknown token');
    account.credits.available = available;
  }

  expireToken(token: string): void {
    const account = operatorAccount(this.state, token);
    if (!account) throw new Error('expireToken: unknown token');
    account.expiresAt = 0;
  }

  dropSession(sessionId: string): void {
    this.state.sessions.delete(sessionId);
  }

  failRender(renderId: string, error = 'Render failed'): void {
    const render = this.state.renders.get(renderId);
    if (!render) throw new Error(`failRender: unknown render ${renderId}`);
    endRender(this.state, render, 'failed', error);
  }

  reset(): void {
    this.state.reset();
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.state.reset();
      this.server.closeAllConnections();
      await new Promise<void>((resolve) => this.server.close(() => resolve()));
      await rm(this.state.tmpDir, { recursive: true, force: true });
    })();
    return this.closing;
  }
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const resolved: Required<EmulatorOptions> = {
    ...DEFAULT_OPTIONS,
    ...given,
    operatorTokens: [...(options.operatorTokens ?? [])],
  };
  const tmpDir = await mkdtemp(join(tmpdir(), 'nemo-emulator-'));
  const state = new EmulatorState(resolved, tmpDir);
  const server = createEmulatorServer(state);
  try {
    resolved.port = await listen(server, resolved.port, resolved.host);
  } catch (error) {
    await rm(tmpDir, { recursive: true, force: true });
    throw error;
  }
  state.url = resolved.publicUrl || `http://127.0.0.1:${resolved.port}`;
  return new RunningEmulator(state, server);
}
