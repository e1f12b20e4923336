#!/usr/bin/env node
// The least a Node program can do to download a folder tree over plain
// FTP: N logged-in connections, a LIST per folder, then EPSV + RETR per file
// with the data written synchronously into `name.part`, given a time and
// renamed into place, as Ferry does. No queue, no checks, no timeouts, no error handling beyond
// stopping. manyFiles.bench.ts runs it beside Ferry's `get -r` to show how
// much of a many-small-files download is Node's own cost and how much is
// Ferry's: the difference is what Ferry's layers (queue, session pool,
// verification, safe local names) add.
//
// Usage: node tests/bench/ftpBareMirror.mjs HOST PORT USER PASSWORD REMOTE_DIR LOCAL_DIR CONNECTIONS
import { Buffer } from 'node:buffer';
import { closeSync, mkdirSync, openSync, renameSync, utimesSync, writeSync } from 'node:fs';
import { connect } from 'node:net';

const [host, portText, user, password, root, target, connectionsText] = process.argv.slice(2);
if (connectionsText === undefined) {
  process.stderr.write('usage: ftpBareMirror.mjs HOST PORT USER PASSWORD REMOTE_DIR LOCAL_DIR CONNECTIONS\n');
  process.exit(2);
}
const port = Number(portText);

/** A control connection: `command(line)` sends a line and resolves with the next single-line reply. */
function controlConnection() {
  return new Promise((resolve) => {
    const socket = connect(port, host);
    socket.setNoDelay(true);
    let text = '';
    const replies = [];
    const waiting = [];
    socket.on('data', (chunk) => {
      text += chunk.toString('latin1');
      let match;
      while ((match = /^\d{3} [^\r\n]*\r\n/m.exec(text))) {
        text = text.slice(match.index + match[0].length);
        const reply = match[0];
        if (waiting.length > 0) waiting.shift()(reply);
        else replies.push(reply);
      }
    });
    const read = () =>
      replies.length > 0 ? Promise.resolve(replies.shift()) : new Promise((done) => waiting.push(done));
    const command = (line) => {
      socket.write(`${line}\r\n`);
      return read();
    };
    void read().then(async () => {
      await command(`USER ${user}`);
      await command(`PASS ${password}`);
      await command('TYPE I');
      resolve({ command, read, socket });
    });
  });
}

/** Runs a data command (LIST, RETR) over a passive connection, handing each chunk to `onData`. */
async function transfer(control, line, onData) {
  const reply = await control.command('EPSV');
  const dataPort = Number(/\|\|\|(\d+)\|/.exec(reply)?.[1]);
  const data = connect(dataPort, host);
  const ended = new Promise((resolve) => {
    data.on('data', onData);
    data.on('end', resolve);
  });
  await new Promise((resolve) => data.once('connect', resolve));
  const first = await control.command(line);
  if (!first.startsWith('150')) throw new Error(`${line}: ${first.trim()}`);
  await ended;
  await control.read();
}

async function listNames(control, path) {
  const chunks = [];
  await transfer(control, `LIST ${path}`, (chunk) => chunks.push(chunk));
  return Buffer.concat(chunks)
    .toString('utf8')
    .split('\r\n')
    .filter((line) => line !== '')
    .map((line) => line.split(/\s+/).slice(8).join(' '));
}

const connections = await Promise.all(Array.from({ length: Number(connectionsText) }, controlConnection));
const files = [];
for (const folder of await listNames(connections[0], root)) {
  mkdirSync(`${target}/${folder}`, { recursive: true });
  for (const name of await listNames(connections[0], `${root}/${folder}`)) files.push(`${folder}/${name}`);
}
let next = 0;
await Promise.all(
  connections.map(async (control) => {
    while (next < files.length) {
      const file = files[next++];
      const part = `${target}/${file}.part`;
      const fd = openSync(part, 'wx');
      await transfer(control, `RETR ${root}/${file}`, (chunk) => writeSync(fd, chunk));
      closeSync(fd);
      const now = new Date();
      utimesSync(part, now, now);
      renameSync(part, `${target}/${file}`);
    }
  }),
);
for (const control of connections) control.socket.end('QUIT\r\n');
