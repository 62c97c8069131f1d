/**
 * The agent the real ADK API server runs in the conformance tests: ADK's own LlmAgent and Gemini model class,
 * whose HTTP calls go to a scripted Gemini on loopback (GOOGLE_GEMINI_BASE_URL, set by the test), and one tool
 * named like the backend's. The tool asks the test's loopback tool backend what to answer, so a test can make
 * it fail or hold it silent; the draft it gets back goes into the session state, as the backend keeps it.
 */
import { FunctionTool, LlmAgent } from '@google/adk';

const toolUrl = process.env.CONFORMANCE_TOOL_URL;
if (!toolUrl) throw new Error('CONFORMANCE_TOOL_URL is not set');

const editMultitrack = new FunctionTool({
  name: 'edit_multitrack',
  description: 'Edits the timeline of the current project.',
  parameters: {
    type: 'OBJECT',
    properties: { action: { type: 'STRING' }, filter: { type: 'STRING' }, text: { type: 'STRING' } },
    required: ['action'],
  },
  execute: async (args, toolContext) => {
    const answer = await fetch(toolUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ args, draft: toolContext.state.get('draft') ?? null }),
    });
    const body = await answer.json();
    if (!answer.ok) throw new Error(body.error ?? `tool backend answered ${answer.status}`);
    if (body.draft !== undefined) toolContext.state.set('draft', body.draft);
    return body.response;
  },
});

export const rootAgent = new LlmAgent({
  name: 'nemo_agent',
  model: 'gemini-2.5-flash',
  description: 'Edits videos on a multitrack timeline.',
  instruction: 'You edit the user’s video with the edit_multitrack tool, then say what you did.',
  tools: [editMultitrack],
});
