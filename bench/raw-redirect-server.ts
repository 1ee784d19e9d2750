import { createServer } from 'node:http';

/** The baseline: the least a Node process can do to answer a redirect. */
const port = Number(process.env.PORT ?? 3990);
createServer((_request, response) => {
  response.writeHead(302, { location: 'https://example.com/', 'cache-control': 'private, no-store' });
  response.end();
}).listen(port, '127.0.0.1');
