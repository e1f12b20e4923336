/** SSH_FXP_STATUS, as an SFTP server sends it. */
const SSH_FXP_STATUS = 101;

/** A STATUS reply to request `id` with status `code`, as one SFTP packet. */
export function statusReply(id: number, code: number): Buffer {
  const message = Buffer.from('status');
  const packet = Buffer.alloc(21 + message.length);
  packet.writeUInt32BE(17 + message.length, 0);
  packet[4] = SSH_FXP_STATUS;
  packet.writeUInt32BE(id, 5);
  packet.writeUInt32BE(code, 9);
  packet.writeUInt32BE(message.length, 13);
  message.copy(packet, 17);
  return packet;
}
