/** A NemoClient wired to a fresh emulator, and a "chat" whose credentials recover through the client itself. */
import { randomUUID } from 'node:crypto';
import { NemoClient, type NemoClientOptions, type NemoSessionRef } from '../../src/nemo/index.js';
import { type Emulator, type EmulatorOptions, startEmulator } from '../fakes/nemo/emulator.js';
import { recordingSleep } from './helpers.js';

export interface Harness {
  emu: Emulator;
  client: NemoClient;
  /** Every wait the client asked for (backoff, 429, render polls); they return at once. */
  waits: number[];
  outcomes: Array<{ endpoint: string; outcome: string }>;
  newChat(): Promise<Chat>;
  close(): Promise<void>;
}

export interface Chat {
  ref: NemoSessionRef;
  state: {
    token: string;
    sessionId: string;
    taskId: string;
    userId: string;
    refreshes: number;
    renewals: number;
  };
}

export async function startHarness(
  emulatorOptions: EmulatorOptions = {},
  clientOptions: Partial<NemoClientOptions> = {},
): Promise<Harness> {
  const emu = await startEmulator({ tokensPerIpPer7Days: 10_000, noTextRatio: 0, ...emulatorOptions });
  const { waits, sleep } = recordingSleep();
  const outcomes: Harness['outcomes'] = [];
  const client = new NemoClient({
    baseUrl: emu.url,
    skill: { source: 'video-models', version: '1.0.0', platform: 'unknown' },
    rateLimitRetryMs: 30_000,
    renderPollMaxMs: 30_000,
    requestTimeoutMs: 5_000,
    retry: { attempts: 3, baseMs: 10, maxMs: 40 },
    sleep,
    observer: { callFinished: (endpoint, _ms, outcome) => outcomes.push({ endpoint, outcome }) },
    ...clientOptions,
  });

  async function newChat(): Promise<Chat> {
    const anon = await client.getAnonymousToken(randomUUID());
    const state = {
      token: anon.token,
      sessionId: '',
      taskId: '',
      userId: anon.userId,
      refreshes: 0,
      renewals: 0,
    };
    const ref: NemoSessionRef = {
      token: async () => state.token,
      refreshToken: async () => {
        state.refreshes++;
        state.token = (await client.getAnonymousToken(randomUUID())).token;
        return state.token;
      },
      sessionId: async () => state.sessionId,
      renewSession: async () => {
        state.renewals++;
        const created = await client.createSession(ref, { language: 'en' });
        state.sessionId = created.sessionId;
        state.taskId = created.taskId;
        return state.sessionId;
      },
    };
    const created = await client.createSession(ref, { language: 'en' });
    Object.assign(state, { sessionId: created.sessionId, taskId: created.taskId });
    return { ref, state };
  }

  return { emu, client, waits, outcomes, newChat, close: () => emu.close() };
}
