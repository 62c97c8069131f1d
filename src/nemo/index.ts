/** The NemoVideo client: import from here, not from the files behind it. */
export { NemoClient } from './client.js';
export * from './errors.js';
export { multipartBody, quoteParam } from './multipart.js';
export { RenderPollSchedule } from './poll-schedule.js';
export { newRenderId } from './render.js';
export { skillHeaders } from './skill-headers.js';
export { sseData, sseEvents } from './sse.js';
export type * from './types.js';
