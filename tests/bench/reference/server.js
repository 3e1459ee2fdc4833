'use strict';
// The yardstick for carecircle-bench: a plain broadcast server on the `ws` package that speaks
// just enough of CareCircle's WebSocket protocol (PROTOCOL.md section 3) for the benchmark
// scenarios to run unchanged against it. It checks no token or permission, keeps everything in
// memory and persists nothing, which is the point: it shows what bare fan-out costs.
//
//   node server.js --listen 127.0.0.1:0
//
// Prints `listening on http://HOST:PORT` once ready, like `carecircle serve`.

const http = require('node:http');
const { WebSocketServer } = require('ws');

function parseListen(argv) {
  const i = argv.indexOf('--listen');
  const value = i >= 0 && argv[i + 1] ? argv[i + 1] : '127.0.0.1:0';
  const colon = value.lastIndexOf(':');
  return { host: value.slice(0, colon), port: Number(value.slice(colon + 1)) };
}

const maxHistory = 2_000_000; // a bound on memory; the oldest messages are dropped past it

const groups = new Map(); // id -> { id, name, members: Set<ws>, messages: [], seq }
let nextGroupId = 1;
let nextMessageId = 1;
let nextUserId = 1;

function makeMessage(group, user, text) {
  group.seq += 1;
  return {
    id: nextMessageId++,
    group: group.id,
    seq: group.seq,
    author: { id: user.id, username: user.username, display_name: user.username },
    kind: 'text',
    text,
    created_at: new Date().toISOString(),
    deleted: false,
  };
}

function remember(group, message) {
  group.messages.push(message);
  if (group.messages.length > maxHistory) group.messages.splice(0, group.messages.length - maxHistory);
}

const handlers = {
  'groups.create'(ws, req) {
    const group = { id: nextGroupId++, name: String(req.name ?? ''), members: new Set(), messages: [], seq: 0 };
    groups.set(group.id, group);
    group.members.add(ws);
    return { group: { id: group.id, name: group.name, region: String(req.region ?? ''),
                      description: '', visibility: 'public', member_count: 1, last_seq: 0,
                      my_membership: { role: 'moderator', status: 'active' }, unread: 0 } };
  },
  'groups.join'(ws, req) {
    const group = groups.get(req.group);
    if (!group) throw { code: 'not_found', message: 'no such group' };
    group.members.add(ws);
    return { membership: { role: 'member', status: 'active' } };
  },
  'messages.send'(ws, req) {
    const group = groups.get(req.group);
    if (!group || !group.members.has(ws)) throw { code: 'forbidden', message: 'not a member' };
    const message = makeMessage(group, ws.user, String(req.text ?? ''));
    remember(group, message);
    // Encoded once; the same string goes to every member.
    const frame = JSON.stringify({ event: 'message.created', message });
    for (const member of group.members) member.send(frame);
    return { message };
  },
  'messages.history'(ws, req) {
    const group = groups.get(req.group);
    if (!group) throw { code: 'not_found', message: 'no such group' };
    const limit = Math.min(Math.max(Number(req.limit ?? 50), 1), 100);
    const all = group.messages;
    const messages = all.slice(Math.max(0, all.length - limit));
    return { messages, has_more: all.length > limit };
  },
  // Not in CareCircle: fills a group's history in memory, since the reference has no database
  // file the benchmark could prepare beforehand.
  'bench.seed'(ws, req) {
    const group = groups.get(req.group);
    if (!group) throw { code: 'not_found', message: 'no such group' };
    const count = Math.min(Number(req.count ?? 0), maxHistory);
    const text = String(req.text ?? 'seed');
    for (let i = 0; i < count; i++) remember(group, makeMessage(group, ws.user, text));
    return { seeded: count };
  },
};

const { host, port } = parseListen(process.argv);
const server = http.createServer((req, res) => {
  if (req.url === '/healthz') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"status":"ok"}');
    return;
  }
  res.writeHead(404, { 'content-type': 'application/json' });
  res.end('{"error":{"code":"not_found","message":"no such endpoint"}}');
});
const wss = new WebSocketServer({ server, path: '/ws', perMessageDeflate: false, maxPayload: 64 * 1024 });

wss.on('connection', (ws) => {
  const id = nextUserId++;
  ws.user = { id, username: `user${id}` };
  ws.send(JSON.stringify({ event: 'hello', user: { ...ws.user, display_name: ws.user.username, role: 'member' }, protocol: 1 }));
  ws.on('message', (data, isBinary) => {
    if (isBinary) return ws.close(1003);
    let req;
    try {
      req = JSON.parse(data.toString());
    } catch {
      return ws.send(JSON.stringify({ id: null, ok: false, error: { code: 'bad_request', message: 'bad JSON' } }));
    }
    const handler = handlers[req.type];
    try {
      if (!handler) throw { code: 'bad_request', message: `unknown type: ${req.type}` };
      ws.send(JSON.stringify({ id: req.id ?? null, ok: true, result: handler(ws, req) }));
    } catch (problem) {
      const error = problem && problem.code ? problem : { code: 'internal', message: String(problem) };
      ws.send(JSON.stringify({ id: req.id ?? null, ok: false, error }));
    }
  });
  ws.on('close', () => {
    for (const group of groups.values()) group.members.delete(ws);
  });
  ws.on('error', () => {});
});

function shutdown() {
  for (const ws of wss.clients) ws.close(1001);
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);

server.listen(port, host, () => {
  const address = server.address();
  process.stdout.write(`listening on http://${address.address}:${address.port}\n`);
});
