/** One SSE answer with every framing quirk the parser must survive, and the events it stands for. */
import type { NemoEvent } from '../../src/nemo/index.js';

export const QUIRKY_STREAM = [
  ': a comment the parser must ignore\n\n',
  'data: {"content":{"role":"model","parts":[{"text":"héllo 世界 🎬"}]},"partial":true}\r\n\r\n',
  'data:\n\n',
  'data: {"content":{"parts":[{"thought":true,"text":"hidden reasoning"}]}}\n\n',
  'data: {"content":\ndata: {"parts":[{"text":"two data lines"}]}}\n\n',
  'data: this is not json\n\n',
  'data: {"content":{"parts":[{"functionCall":{"id":"c1","name":"edit_multitrack","args":{"op":"trim"}}}]}}\n\n',
  'data: {"content":{"parts":[{"functionResponse":{"id":"c1","name":"edit_multitrack","response":{"ok":true}}}]}}\n\n',
  'data: {"type":"heartbeat"}\r\rdata: {"type":"text","content":"legacy ✓"}\n\n',
  'data: {"error":"agent failed"}\n\n',
  'data: {"errorCode":"MALFORMED_FUNCTION_CALL","errorMessage":"bad call"}\n\n',
  'data: {"content":{"parts":[{"text":"final 🎉"}]},"turnComplete":true,"someNewField":[1,2]}\r\n\r\n',
  'data: {"type":"tool_call","name":"generate_music","args":{"mood":"calm"}}\n\n',
  'data: {"content":{"parts":[{"text":"closed without a blank line"}]}}\n',
].join('');

export const QUIRKY_EVENTS: NemoEvent[] = [
  { type: 'text', text: 'héllo 世界 🎬', partial: true },
  { type: 'heartbeat' },
  { type: 'thought', text: 'hidden reasoning' },
  { type: 'text', text: 'two data lines', partial: false },
  { type: 'tool_call', id: 'c1', name: 'edit_multitrack', args: { op: 'trim' } },
  { type: 'tool_result', id: 'c1', name: 'edit_multitrack', response: { ok: true } },
  { type: 'heartbeat' },
  { type: 'text', text: 'legacy ✓', partial: false },
  { type: 'error', message: 'agent failed' },
  { type: 'error', message: 'bad call', code: 'MALFORMED_FUNCTION_CALL' },
  { type: 'text', text: 'final 🎉', partial: false },
  { type: 'turn_complete' },
  { type: 'tool_call', name: 'generate_music', args: { mood: 'calm' } },
  { type: 'text', text: 'closed without a blank line', partial: false },
];
