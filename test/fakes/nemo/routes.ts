import { issueAnonymousToken } from './auth.js';
import type { Route } from './context.js';
import { creditBalance } from './credits.js';
import { serveMedia } from './media.js';
import { cancelRender, downloadRender, pollRender, startRender } from './renders.js';
import { claimToken, createSession, sessionState } from './sessions.js';
import { runSse } from './sse-edit.js';
import { upload } from './uploads.js';

const SEGMENT = '[^/]+';

/** The backend's endpoints, as nemo-api.md lists them, plus the emulator's CDN at /media. */
export const ROUTES: readonly Route[] = [
  {
    methods: ['POST'],
    pattern: /^\/api\/auth\/anonymous-token$/,
    endpoint: 'anonymous-token',
    readsJson: true,
    handle: issueAnonymousToken,
  },
  {
    methods: ['POST'],
    pattern: /^\/api\/tasks\/me\/with-session\/nemo_agent$/,
    endpoint: 'create-session',
    readsJson: true,
    handle: createSession,
  },
  { methods: ['POST'], pattern: /^\/run_sse$/, endpoint: 'run-sse', readsJson: true, handle: runSse },
  {
    methods: ['POST'],
    pattern: new RegExp(`^/api/upload-video/nemo_agent/${SEGMENT}/(?<sid>${SEGMENT})$`),
    endpoint: 'upload',
    readsJson: false,
    handle: upload,
  },
  {
    methods: ['GET'],
    pattern: /^\/api\/credits\/balance\/simple$/,
    endpoint: 'credits',
    readsJson: false,
    handle: creditBalance,
  },
  {
    methods: ['GET'],
    pattern: new RegExp(`^/api/state/nemo_agent/${SEGMENT}/(?<sid>${SEGMENT})/latest$`),
    endpoint: 'state',
    readsJson: false,
    handle: sessionState,
  },
  {
    methods: ['POST'],
    pattern: /^\/api\/render\/proxy\/lambda$/,
    endpoint: 'render-start',
    readsJson: true,
    handle: startRender,
  },
  {
    methods: ['GET'],
    pattern: new RegExp(`^/api/render/proxy/lambda/(?<id>${SEGMENT})$`),
    endpoint: 'render-poll',
    readsJson: false,
    handle: pollRender,
  },
  {
    methods: ['POST'],
    pattern: new RegExp(`^/api/render/proxy/lambda/(?<id>${SEGMENT})/cancel$`),
    endpoint: 'render-cancel',
    readsJson: true,
    handle: cancelRender,
  },
  {
    methods: ['GET'],
    pattern: new RegExp(`^/api/render/proxy/(?<id>${SEGMENT})/download$`),
    endpoint: 'render-download',
    readsJson: false,
    handle: downloadRender,
  },
  {
    methods: ['POST'],
    pattern: /^\/api\/auth\/claim-token$/,
    endpoint: 'claim-token',
    readsJson: true,
    handle: claimToken,
  },
  {
    methods: ['GET', 'HEAD'],
    pattern: new RegExp(`^/media/(?<name>${SEGMENT})$`),
    endpoint: 'media',
    readsJson: false,
    handle: serveMedia,
  },
];
