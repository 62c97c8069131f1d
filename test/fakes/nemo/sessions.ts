import { randomUUID } from 'node:crypto';
import { authenticate, ownedSession } from './auth.js';
import type { RequestContext } from './context.js';
import { emptyDraft } from './draft.js';
import { envelopeError, requireObject, sendOk } from './http.js';
import { hex, numericId } from './ids.js';
import type { EmulatedSession } from './types.js';
import { fileInfo } from './uploads.js';

/** POST /api/tasks/me/with-session/nemo_agent */
export function createSession(ctx: RequestContext): void {
  const account = authenticate(ctx);
  const body = ctx.body.ok && ctx.body.value === undefined ? {} : requireObject(ctx.body);
  const taskName = typeof body.task_name === 'string' && body.task_name ? body.task_name : 'project';
  const session: EmulatedSession = {
    sessionId: numericId(),
    taskId: randomUUID(),
    taskName,
    language: typeof body.language === 'string' ? body.language : undefined,
    userId: account.userId,
    token: account.token,
    draft: emptyDraft(taskName),
    uploads: [],
    messages: [],
    generatedMedia: [],
  };
  ctx.state.sessions.set(session.sessionId, session);
  sendOk(ctx.res, { task_id: session.taskId, session_id: session.sessionId, user_id: session.userId });
}

/** GET /api/state/nemo_agent/me/<sid>/latest: a copy, so clients never hold the live draft. */
export function sessionState(ctx: RequestContext): void {
  const session = ownedSession(ctx, authenticate(ctx), ctx.params.sid);
  sendOk(ctx.res, {
    session_id: session.sessionId,
    task_id: session.taskId,
    task_name: session.taskName,
    user_id: session.userId,
    state: structuredClone({
      video_infos: session.uploads.map(fileInfo),
      draft: session.draft,
      canvas_config: { width: 1920, height: 1080, ratio: '16:9' },
      video_analyses: [],
      generated_media: session.generatedMedia,
    }),
  });
}

/** POST /api/auth/claim-token: a short-lived token that lets a browser claim the anonymous work. */
export function claimToken(ctx: RequestContext): void {
  const account = authenticate(ctx);
  const body = requireObject(ctx.body);
  const session = ownedSession(ctx, account, body.session_id);
  if (body.task_id !== undefined && body.task_id !== session.taskId) throw envelopeError(1002);
  sendOk(ctx.res, { claim_token: `clm_${hex(16)}`, expires_in: 3600 });
}
