/**
 * A port that goes quiet once its job is handed over: every later call waits forever instead of reaching
 * the chat. The handing-over process is about to exit, and the next owner says what there is to say; a
 * call that failed instead would make the flow report an error the user should never see.
 */
import type { ChatPort } from '../messages.js';

export function fencedPort(port: ChatPort, handedOver: AbortSignal): ChatPort {
  const never = new Promise<never>(() => {});
  const guard =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> =>
      handedOver.aborted ? never : call(...args);
  return {
    platform: port.platform,
    limits: port.limits,
    sendText: guard(port.sendText.bind(port)),
    editText: guard(port.editText.bind(port)),
    showAction: guard(port.showAction.bind(port)),
    sendVideo: guard(port.sendVideo.bind(port)),
  };
}
