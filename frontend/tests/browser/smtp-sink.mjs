// A minimal SMTP server for the browser tests: accepts every message and writes it to
// <dir>/<n>.eml, so tests can follow links from emails (password reset, invitations).
// Usage: node smtp-sink.mjs <port> <dir>
import { createServer } from 'node:net';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const [port, dir] = process.argv.slice(2);
mkdirSync(dir, { recursive: true });
let count = 0;

createServer((socket) => {
  let buffer = '';
  let inData = false;
  let message = '';
  const reply = (line) => socket.write(line + '\r\n');
  reply('220 tessera-test-sink ESMTP');
  socket.on('data', (chunk) => {
    buffer += chunk.toString('utf8');
    let at;
    while ((at = buffer.indexOf('\r\n')) >= 0) {
      const line = buffer.slice(0, at);
      buffer = buffer.slice(at + 2);
      if (inData) {
        if (line === '.') {
          inData = false;
          count += 1;
          writeFileSync(join(dir, `${Date.now()}-${count}.eml`), message);
          message = '';
          reply('250 OK queued');
        } else {
          message += (line.startsWith('..') ? line.slice(1) : line) + '\r\n';
        }
        continue;
      }
      const verb = line.slice(0, 4).toUpperCase();
      if (verb === 'EHLO') { reply('250-tessera-test-sink'); reply('250 8BITMIME'); }
      else if (verb === 'HELO') reply('250 tessera-test-sink');
      else if (verb === 'DATA') { inData = true; reply('354 End data with <CR><LF>.<CR><LF>'); }
      else if (verb === 'QUIT') { reply('221 Bye'); socket.end(); }
      else reply('250 OK');
    }
  });
  socket.on('error', () => {});
}).listen(Number(port), '127.0.0.1');
