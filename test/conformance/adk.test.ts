/** The bot against a real ADK API server in its default modes: streaming and non-streaming. */
import { conformanceSuite } from './suite.js';

conformanceSuite(['streaming', 'non-streaming'], { progressive: false, silentTool: true });
