import type { Server } from 'node:http';
import { GatewayOpcodes } from 'discord.js';
import { type WebSocket, WebSocketServer } from 'ws';
import { snowflake } from './snowflake.js';
import type { FakeState } from './state.js';

/** Close code Discord uses when IDENTIFY carries a bad token. */
const AUTHENTICATION_FAILED = 4004;

interface Session {
  socket: WebSocket;
  id: string;
  seq: number;
}

/**
 * The gateway half of the fake: HELLO, heartbeat ACKs, READY after IDENTIFY, RESUMED after RESUME,
 * and dispatches (`INTERACTION_CREATE`, `GUILD_CREATE`, …) to every identified session.
 */
export class FakeGateway {
  private readonly wss: WebSocketServer;
  private readonly sessions = new Set<Session>();
  private readonly readyWaiters: (() => void)[] = [];

  constructor(
    server: Server,
    private readonly state: FakeState,
    private readonly heartbeatIntervalMs: number,
  ) {
    this.wss = new WebSocketServer({ server });
    this.wss.on('connection', (socket) => this.accept(socket));
  }

  get identified(): boolean {
    return this.sessions.size > 0;
  }

  /** Resolves once a client has identified (at once if one has). */
  whenIdentified(): Promise<void> {
    if (this.identified) return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  dispatch(event: string, data: unknown): void {
    if (!this.identified) throw new Error(`fake Discord: no identified gateway session to send ${event} to`);
    for (const session of this.sessions)
      this.send(session, { op: GatewayOpcodes.Dispatch, t: event, d: data });
  }

  async close(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private send(session: Session, payload: { op: number; t?: string; d: unknown }): void {
    const s = payload.op === GatewayOpcodes.Dispatch ? ++session.seq : null;
    session.socket.send(JSON.stringify({ t: null, s, ...payload }));
  }

  private accept(socket: WebSocket): void {
    const session: Session = { socket, id: snowflake(), seq: 0 };
    socket.send(
      JSON.stringify({
        op: GatewayOpcodes.Hello,
        d: { heartbeat_interval: this.heartbeatIntervalMs },
        s: null,
        t: null,
      }),
    );
    socket.on('message', (raw) => {
      const packet = JSON.parse(String(raw)) as { op: number; d: { token?: string } | null };
      switch (packet.op) {
        case GatewayOpcodes.Heartbeat:
          socket.send(JSON.stringify({ op: GatewayOpcodes.HeartbeatAck, d: null, s: null, t: null }));
          break;
        case GatewayOpcodes.Identify:
          if (packet.d?.token !== this.state.token) {
            socket.close(AUTHENTICATION_FAILED, 'Authentication failed.');
            return;
          }
          this.sessions.add(session);
          this.send(session, {
            op: GatewayOpcodes.Dispatch,
            t: 'READY',
            d: {
              v: 10,
              user: this.state.botUser,
              guilds: [],
              session_id: session.id,
              resume_gateway_url: this.state.origin().replace(/^http/, 'ws'),
              shard: [0, 1],
              application: { id: this.state.applicationId, flags: 0 },
            },
          });
          for (const resolve of this.readyWaiters.splice(0)) resolve();
          break;
        case GatewayOpcodes.Resume:
          this.sessions.add(session);
          this.send(session, { op: GatewayOpcodes.Dispatch, t: 'RESUMED', d: {} });
          // A resumed session takes dispatches again, like one just identified.
          for (const resolve of this.readyWaiters.splice(0)) resolve();
          break;
        default:
          break;
      }
    });
    socket.on('close', () => this.sessions.delete(session));
  }
}
