import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';

// The upload baseline: a bare Node server that only pipes the request body to a file.
const dir = process.env.BARE_DIR!;
async function receive(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const file = path.join(dir, `upload-${Date.now()}`);
  await pipeline(req, fs.createWriteStream(file));
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ bytes: fs.statSync(file).size }));
  fs.rmSync(file, { force: true });
}
const server = http.createServer((req, res) => {
  // A failed upload answers 500 rather than leaving the client waiting.
  receive(req, res).catch((err: unknown) => res.writeHead(500).end(String(err)));
});
server.listen(Number(process.env.BARE_PORT), '127.0.0.1', () => console.log('bare-upload ready'));
