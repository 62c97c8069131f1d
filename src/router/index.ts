export { type ActionKind, commandIntent, KEYWORDS, matchKeywordIntent } from './intents.js';
export { type Intent, route } from './router.js';
