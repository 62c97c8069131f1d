export {
  type AccessCommand,
  type ActionKind,
  accessCommand,
  commandIntent,
  KEYWORDS,
  matchKeywordIntent,
} from './intents.js';
export { type Intent, route } from './router.js';
