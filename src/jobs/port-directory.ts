/**
 * How a job reaches its chat without an incoming update: after a takeover, or when the job runs in another
 * process than the one that received the message. Each adapter registers what can send to its platform.
 */
import type { ChatPort, ChatRef, Platform } from '../messages.js';

export interface PortDirectory {
  portFor(chat: ChatRef): ChatPort | undefined;
}

/** A directory filled by the composition root: one resolver per platform. */
export class PlatformPorts implements PortDirectory {
  private readonly resolvers = new Map<Platform, (chat: ChatRef) => ChatPort | undefined>();

  register(platform: Platform, resolve: ChatPort | ((chat: ChatRef) => ChatPort | undefined)): void {
    this.resolvers.set(platform, typeof resolve === 'function' ? resolve : () => resolve);
  }

  portFor(chat: ChatRef): ChatPort | undefined {
    return this.resolvers.get(chat.platform)?.(chat);
  }
}
