/**
 * The real ADK API server (`adk api_server` of @google/adk-devtools, installed in test/adk by
 * scripts/test.sh) as a child process on loopback, serving test/adk/agents. Its model calls go to a
 * scripted Gemini; its tool calls to the tool backend. No network, no API key.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const ADK_DIR = fileURLToPath(new URL('../adk/', import.meta.url));
const CLI = `${ADK_DIR}node_modules/@google/adk-devtools/dist/esm/cli_entrypoint.js`;
const STARTED = 'ADK API Server started';

export interface AdkServerOptions {
  geminiUrl: string;
  toolUrl: string;
  /** ADK_ENABLE_PROGRESSIVE_SSE_STREAMING=1: text gathered around tool calls, as Python ADK does by default. */
  progressive: boolean;
}

export interface AdkServer {
  url: string;
  /** What the server wrote, for a failing test's message. */
  output(): string;
  close(): Promise<void>;
}

export function adkInstalled(): boolean {
  return existsSync(CLI);
}

async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const port = (probe.address() as { port: number }).port;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Starts the server; a port taken between the probe and the start is retried with another one. */
export async function startAdkServer(options: AdkServerOptions): Promise<AdkServer> {
  let lastOutput = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [CLI, 'api_server', `${ADK_DIR}agents`, '--host', '127.0.0.1', '--port', String(port)]
        // The agent is plain ESM: no esbuild pass, so ADK runs as installed.
        .concat(['--compile', 'false', '--bundle', 'false', '--log_level', 'warn']),
      {
        cwd: ADK_DIR,
        env: {
          PATH: process.env['PATH'],
          HOME: process.env['HOME'],
          GOOGLE_GEMINI_BASE_URL: options.geminiUrl,
          // Any value: the scripted Gemini checks none, and nothing leaves loopback.
          GOOGLE_API_KEY: 'conformance-no-key',
          CONFORMANCE_TOOL_URL: options.toolUrl,
          ...(options.progressive && { ADK_ENABLE_PROGRESSIVE_SSE_STREAMING: '1' }),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    const started = new Promise<boolean>((resolve) => {
      const read = (chunk: Buffer) => {
        output += chunk.toString('utf8');
        if (output.includes(STARTED)) resolve(true);
      };
      child.stdout!.on('data', read);
      child.stderr!.on('data', read);
      child.once('exit', () => resolve(false));
    });
    if (await started) return running(child, `http://127.0.0.1:${port}`, () => output);
    lastOutput = output;
  }
  throw new Error(`the ADK API server did not start:\n${lastOutput.slice(-2000)}`);
}

function running(child: ChildProcess, url: string, output: () => string): AdkServer {
  return {
    url,
    output,
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}
