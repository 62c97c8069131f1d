import type { ServerResponse } from 'node:http';

/** Writes a small JSON answer that no cache keeps (health and errors change from one request to the next). */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}
