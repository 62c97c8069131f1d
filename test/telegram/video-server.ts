import { once } from 'node:events';
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Serves one finished video the way a render CDN would, on loopback:
 * `/video.mp4` with Content-Length, `/chunked.mp4` without it, and `/claims-huge.mp4` announcing a
 * length past every upload limit. Counts requests per path.
 */
export async function startVideoServer(path: string, claimedHugeBytes: number) {
  const hits = new Map<string, number>();
  const size = statSync(path).size;
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    hits.set(url, (hits.get(url) ?? 0) + 1);
    if (url === '/video.mp4') {
      res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': size });
      createReadStream(path).pipe(res);
    } else if (url === '/chunked.mp4') {
      res.writeHead(200, { 'content-type': 'video/mp4' });
      createReadStream(path).pipe(res);
    } else if (url === '/claims-huge.mp4') {
      res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': claimedHugeBytes });
      res.write(Buffer.alloc(1024));
      res.on('close', () => res.destroy());
    } else {
      res.writeHead(404).end();
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    hits,
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
