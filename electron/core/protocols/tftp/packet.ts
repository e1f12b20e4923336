import { FerryError } from '../../../../shared/errors.js';

/** TFTP opcodes (RFC 1350, OACK from RFC 2347). */
export const OPCODE = { RRQ: 1, WRQ: 2, DATA: 3, ACK: 4, ERROR: 5, OACK: 6 } as const;

/** TFTP error codes (RFC 1350; 8 from RFC 2347). */
export const TFTP_ERROR = {
  NOT_DEFINED: 0,
  FILE_NOT_FOUND: 1,
  ACCESS_VIOLATION: 2,
  DISK_FULL: 3,
  ILLEGAL_OPERATION: 4,
  UNKNOWN_TID: 5,
  FILE_EXISTS: 6,
  NO_SUCH_USER: 7,
  OPTION_REFUSED: 8,
} as const;

/** The transfer modes Ferry speaks; "mail" is obsolete and refused. */
export type TransferMode = 'octet' | 'netascii';

/** Option names are case-insensitive (RFC 2347): keys are lower-case, in the order they came. */
export type OptionMap = Map<string, string>;

/** RRQ (read) or WRQ (write): the packet that starts a transfer. */
export interface RequestPacket {
  type: 'RRQ' | 'WRQ';
  filename: string;
  /** Lower-case, as sent; not necessarily one Ferry supports. */
  mode: string;
  options: OptionMap;
}

/** One block of the file; a block shorter than the block size is the last. */
export interface DataPacket {
  type: 'DATA';
  /** The 16-bit block number on the wire. */
  block: number;
  data: Buffer;
}

/** Acknowledges a block (0 for a write request or an OACK). */
export interface AckPacket {
  type: 'ACK';
  block: number;
}

/** Ends a transfer, with a TFTP error code and a message for people. */
export interface ErrorPacket {
  type: 'ERROR';
  code: number;
  message: string;
}

/** The options a server agreed to (RFC 2347). */
export interface OackPacket {
  type: 'OACK';
  options: OptionMap;
}

/** Any well-formed TFTP packet. */
export type TftpPacket = RequestPacket | DataPacket | AckPacket | ErrorPacket | OackPacket;

/** Bytes before the payload of a DATA packet: opcode and block number. */
export const DATA_HEADER_SIZE = 4;

function malformed(why: string): FerryError {
  return new FerryError('PROTOCOL', `Malformed TFTP packet: ${why}`);
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Names on the wire are bytes; most peers send ASCII or UTF-8, some Latin-1.
 * UTF-8 when it is valid, Latin-1 otherwise, so no byte is ever lost.
 */
function decodeText(bytes: Buffer): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return bytes.toString('latin1');
  }
}

/** Splits NUL-terminated strings starting at `offset`; a missing final NUL is tolerated. */
function readStrings(buffer: Buffer, offset: number): string[] {
  const strings: string[] = [];
  let start = offset;
  while (start < buffer.length) {
    let end = buffer.indexOf(0, start);
    if (end < 0) end = buffer.length;
    strings.push(decodeText(buffer.subarray(start, end)));
    start = end + 1;
  }
  return strings;
}

function readOptions(strings: readonly string[]): OptionMap {
  if (strings.length % 2 !== 0) throw malformed('an option has no value');
  const options: OptionMap = new Map();
  for (let i = 0; i < strings.length; i += 2) {
    const name = (strings[i] ?? '').toLowerCase();
    if (name === '') throw malformed('an option name is empty');
    // The first occurrence wins; a repeated option is ignored rather than trusted twice.
    if (!options.has(name)) options.set(name, strings[i + 1] ?? '');
  }
  return options;
}

/**
 * Decodes one datagram. Throws PROTOCOL for anything that is not a
 * well-formed TFTP packet, so callers can drop it (or answer ERROR 4).
 */
export function decodePacket(buffer: Buffer): TftpPacket {
  if (buffer.length < 2) throw malformed(`only ${buffer.length} bytes`);
  const opcode = buffer.readUInt16BE(0);
  switch (opcode) {
    case OPCODE.RRQ:
    case OPCODE.WRQ: {
      // A request must end in NUL; anything after the mode comes in pairs.
      if (buffer[buffer.length - 1] !== 0) throw malformed('the request is not NUL-terminated');
      const [filename, mode, ...rest] = readStrings(buffer, 2);
      if (filename === undefined || filename === '') throw malformed('the file name is empty');
      if (mode === undefined || mode === '') throw malformed('the transfer mode is missing');
      return {
        type: opcode === OPCODE.RRQ ? 'RRQ' : 'WRQ',
        filename,
        mode: mode.toLowerCase(),
        options: readOptions(rest),
      };
    }
    case OPCODE.DATA:
      if (buffer.length < DATA_HEADER_SIZE) throw malformed('DATA without a block number');
      return { type: 'DATA', block: buffer.readUInt16BE(2), data: buffer.subarray(DATA_HEADER_SIZE) };
    case OPCODE.ACK:
      if (buffer.length < 4) throw malformed('ACK without a block number');
      return { type: 'ACK', block: buffer.readUInt16BE(2) };
    case OPCODE.ERROR: {
      if (buffer.length < 4) throw malformed('ERROR without a code');
      const [message = ''] = readStrings(buffer, 4);
      return { type: 'ERROR', code: buffer.readUInt16BE(2), message };
    }
    case OPCODE.OACK:
      return { type: 'OACK', options: readOptions(readStrings(buffer, 2)) };
    default:
      throw malformed(`unknown opcode ${opcode}`);
  }
}

function nulTerminated(parts: readonly string[]): Buffer[] {
  const zero = Buffer.alloc(1);
  return parts.flatMap((part) => [Buffer.from(part, 'utf8'), zero]);
}

function withOpcode(opcode: number, rest: Buffer[]): Buffer {
  const head = Buffer.allocUnsafe(2);
  head.writeUInt16BE(opcode, 0);
  return Buffer.concat([head, ...rest]);
}

function optionStrings(options: OptionMap): string[] {
  return [...options].flatMap(([name, value]) => [name, value]);
}

/** RRQ or WRQ with the given options (none means a plain RFC 1350 request). */
export function encodeRequest(
  type: 'RRQ' | 'WRQ',
  filename: string,
  mode: TransferMode,
  options: OptionMap = new Map(),
): Buffer {
  if (filename.includes('\0')) throw new FerryError('INVALID_INPUT', 'A TFTP file name cannot contain NUL');
  const opcode = type === 'RRQ' ? OPCODE.RRQ : OPCODE.WRQ;
  return withOpcode(opcode, nulTerminated([filename, mode, ...optionStrings(options)]));
}

/**
 * The four bytes before a DATA payload, for a 16-bit block number (the
 * caller applies rollover). Sent together with the payload as one
 * datagram, so a block is never copied into a packet of its own.
 */
export function encodeDataHeader(block: number): Buffer {
  const header = Buffer.allocUnsafe(DATA_HEADER_SIZE);
  header.writeUInt16BE(OPCODE.DATA, 0);
  header.writeUInt16BE(block, 2);
  return header;
}

/** DATA for a 16-bit block number (the caller applies rollover), as one buffer. */
export function encodeData(block: number, data: Buffer): Buffer {
  return Buffer.concat([encodeDataHeader(block), data]);
}

/** ACK for a 16-bit block number. */
export function encodeAck(block: number): Buffer {
  const packet = Buffer.allocUnsafe(4);
  packet.writeUInt16BE(OPCODE.ACK, 0);
  packet.writeUInt16BE(block, 2);
  return packet;
}

/** ERROR with a TFTP error code; the message is cleaned and shortened. */
export function encodeError(code: number, message: string): Buffer {
  const head = Buffer.allocUnsafe(4);
  head.writeUInt16BE(OPCODE.ERROR, 0);
  head.writeUInt16BE(code, 2);
  // The message is for people; keep it printable and short enough for any peer.
  // eslint-disable-next-line no-control-regex
  const text = message.replace(/[\u0000-\u001f\u007f]/g, ' ').slice(0, 200);
  return Buffer.concat([head, ...nulTerminated([text])]);
}

/** OACK listing the agreed options. */
export function encodeOack(options: OptionMap): Buffer {
  return withOpcode(OPCODE.OACK, nulTerminated(optionStrings(options)));
}

/** A short description of a packet for the message log. */
export function describePacket(packet: TftpPacket): string {
  switch (packet.type) {
    case 'RRQ':
    case 'WRQ': {
      const options = optionStrings(packet.options).join(' ');
      return `${packet.type} "${packet.filename}" ${packet.mode}${options ? ` ${options}` : ''}`;
    }
    case 'DATA':
      return `DATA ${packet.block} (${packet.data.length} bytes)`;
    case 'ACK':
      return `ACK ${packet.block}`;
    case 'ERROR':
      return `ERROR ${packet.code} ${packet.message}`;
    case 'OACK':
      return `OACK ${optionStrings(packet.options).join(' ')}`;
  }
}
