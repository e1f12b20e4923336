#!/usr/bin/env node
// The least a Node program can do to download a file by lock-step TFTP:
// one RRQ with blksize, then an ACK for each DATA as it arrives; no
// retransmission, no checks, the blocks kept in memory and written at the
// end. tftp.mjs runs it beside Ferry's client to show how much of a
// lock-step transfer's time is Node's own UDP path when the event loop
// sleeps between packets (each round trip costs an epoll wait that parks
// the thread, its wake-up, a recvmsg and a sendmsg, plus the JavaScript
// calls in between). Ferry's client keeps the loop polling instead while
// the answer is due within microseconds, and so goes below it.
//
// Usage: node tests/bench/tftpBareClient.mjs HOST PORT NAME BLKSIZE OUT
// Prints the transfer's seconds (without Node's start-up) as JSON.
import { Buffer } from 'node:buffer';
import { createSocket } from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const [host, port, name, blksizeText, out] = process.argv.slice(2);
if (out === undefined) {
  process.stderr.write('usage: tftpBareClient.mjs HOST PORT NAME BLKSIZE OUT\n');
  process.exit(2);
}
const blksize = Number(blksizeText);
const socket = createSocket('udp4');
const blocks = [];
const started = performance.now();

function ack(block, to) {
  const packet = Buffer.alloc(4);
  packet.writeUInt16BE(4, 0);
  packet.writeUInt16BE(block, 2);
  socket.send(packet, to.port, to.address);
}

socket.on('message', (message, from) => {
  const opcode = message.readUInt16BE(0);
  if (opcode === 6) return ack(0, from); // OACK: the options were taken
  if (opcode !== 3) {
    process.stderr.write(`unexpected packet, opcode ${opcode}: ${message.subarray(4).toString()}\n`);
    process.exit(1);
  }
  const block = message.readUInt16BE(2);
  const data = message.subarray(4);
  // A repeated block (our ACK was late) is acknowledged again but kept once.
  if (block === (blocks.length + 1) % 65536) blocks.push(data);
  ack(block, from);
  if (data.length < blksize) {
    const seconds = (performance.now() - started) / 1000;
    writeFileSync(out, Buffer.concat(blocks));
    process.stdout.write(`${JSON.stringify({ seconds })}\n`);
    socket.close();
  }
});

socket.bind(0, () => {
  const request = Buffer.from(`\0\u0001${name}\0octet\0blksize\0${blksize}\0`, 'latin1');
  socket.send(request, Number(port), host);
});
