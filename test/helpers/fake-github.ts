// A fake GitHub REST API on 127.0.0.1 with just the issue-comment endpoints the PR comment uses.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeComment {
  id: number;
  issue: number;
  body: string;
}

export interface FakeGitHub {
  url: string;
  comments: FakeComment[];
  requests: string[];
  close(): Promise<void>;
}

export async function startFakeGitHub(token: string): Promise<FakeGitHub> {
  const comments: FakeComment[] = [];
  const requests: string[] = [];
  let nextId = 1000;
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://github');
      requests.push(`${req.method} ${url.pathname}`);
      const send = (status: number, body: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.headers.authorization !== `Bearer ${token}`) return send(401, { message: 'Bad credentials' });
      let m = /^\/repos\/([^/]+\/[^/]+)\/issues\/(\d+)\/comments$/.exec(url.pathname);
      if (m && req.method === 'GET') {
        const page = Number(url.searchParams.get('page') ?? 1);
        const perPage = Number(url.searchParams.get('per_page') ?? 30);
        const list = comments.filter((c) => c.issue === Number(m![2]));
        return send(200, list.slice((page - 1) * perPage, page * perPage).map((c) => ({ id: c.id, body: c.body, html_url: `https://github.test/c/${c.id}` })));
      }
      if (m && req.method === 'POST') {
        const comment = { id: nextId++, issue: Number(m[2]), body: (JSON.parse(raw) as { body: string }).body };
        comments.push(comment);
        return send(201, { id: comment.id, body: comment.body, html_url: `https://github.test/c/${comment.id}` });
      }
      m = /^\/repos\/([^/]+\/[^/]+)\/issues\/comments\/(\d+)$/.exec(url.pathname);
      if (m && req.method === 'PATCH') {
        const comment = comments.find((c) => c.id === Number(m![2]));
        if (!comment) return send(404, { message: 'Not Found' });
        comment.body = (JSON.parse(raw) as { body: string }).body;
        return send(200, { id: comment.id, body: comment.body, html_url: `https://github.test/c/${comment.id}` });
      }
      send(404, { message: 'Not Found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    comments,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
