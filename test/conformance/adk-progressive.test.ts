/** The bot against a real ADK API server with progressive SSE streaming (Python ADK's default). */
import { conformanceSuite } from './suite.js';

conformanceSuite(['progressive'], { progressive: true, silentTool: false });
