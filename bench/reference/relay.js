// The reference relay: a minimal Durable Object chat relay in plain JavaScript, written for
// Switchboard's benchmark (`cargo xtask bench`), in the shape of Cloudflare's public chat demo:
// one object per room, every message stored with one storage.put, then broadcast to every
// socket of the room. Run in the same workerd as Switchboard, driven by the same load.
//
// Routes (all WebSocket):
//   /ref/ROOM    the reference: storage.put per message, then broadcast (the sender included)
//   /floor/ROOM  the same relay without storage: what broadcasting alone costs
//   /echo        no Durable Object at all: the worker echoes each frame back (the floor)
//
// Frames are JSON text {"id": "...", "text": "..."}; the relay adds nothing but a sequence
// number, so clients can see their own message come back.

export class Room {
  constructor(state, env) {
    this.state = state;
    this.seq = null;
  }

  async fetch(request) {
    if (request.headers.get('upgrade') !== 'websocket') {
      return new Response('expected a WebSocket', { status: 426 });
    }
    const store = new URL(request.url).pathname.startsWith('/ref/');
    const pair = new WebSocketPair();
    this.state.acceptWebSocket(pair[1], [store ? 'ref' : 'floor']);
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  async webSocketMessage(socket, data) {
    const store = this.state.getTags(socket).includes('ref');
    let message;
    try {
      message = JSON.parse(data);
    } catch (e) {
      socket.send(JSON.stringify({ error: 'not JSON' }));
      return;
    }
    if (this.seq === null) {
      const last = await this.state.storage.list({ prefix: 'msg:', reverse: true, limit: 1 });
      const key = [...last.keys()][0];
      this.seq = key ? Number(key.slice(4)) : 0;
    }
    this.seq += 1;
    const frame = JSON.stringify({ seq: this.seq, id: message.id, text: message.text });
    if (store) {
      // One put per message, as the chat demo does; awaited before the broadcast.
      await this.state.storage.put('msg:' + String(this.seq).padStart(12, '0'), frame);
    }
    for (const peer of this.state.getWebSockets()) {
      try {
        peer.send(frame);
      } catch (e) {
        // a closing socket misses it
      }
    }
  }

  async webSocketClose(socket, code) {
    try {
      socket.close(code === 1005 || code === 1006 ? 1000 : code, 'closed');
    } catch (e) {}
  }
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === '/health') {
      return new Response('{"status":"ok"}', { headers: { 'content-type': 'application/json' } });
    }
    if (url.pathname === '/echo') {
      const pair = new WebSocketPair();
      pair[1].accept();
      pair[1].addEventListener('message', (event) => pair[1].send(event.data));
      return new Response(null, { status: 101, webSocket: pair[0] });
    }
    const match = url.pathname.match(/^\/(ref|floor)\/([A-Za-z0-9_-]{1,64})$/);
    if (!match) {
      return new Response('not found', { status: 404 });
    }
    const room = env.ROOMS.get(env.ROOMS.idFromName(match[1] + ':' + match[2]));
    return room.fetch(request);
  },
};
