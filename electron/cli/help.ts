import { EXIT } from './exitCodes.js';

export const HELP = `Usage: ferry <command> [options] <url>...

Transfer files over FTP, FTPS, SFTP and TFTP from the command line,
with the same engines as the Ferry app.

Commands:
  ls URL              list a folder

URLs:
  ftp://[user[:password]@]host[:port]/path     plain FTP
  ftpes://...                                  FTP with explicit TLS (AUTH TLS)
  ftps://...                                   FTP with implicit TLS (port 990)
  sftp://...                                   SFTP over SSH
  tftp://host[:port]/file                      TFTP
  file:///path                                 the local disk
  Percent-encode special characters in names; put IPv6 addresses in
  brackets (sftp://[::1]:2222/). The password may also come from
  FERRY_PASSWORD.

Options:
  -a, --all           ls: include hidden entries
      --json          print one JSON object on stdout instead of text
  -h, --help          show this help
  -V, --version       show the version

Exit codes:
  ${EXIT.ok} success, ${EXIT.unexpected} unexpected error, ${EXIT.usage} bad command or URL, ${EXIT.connection} connection lost or
  timed out, ${EXIT.auth} login refused, ${EXIT.trust} host key or certificate not trusted, ${EXIT.notFound} not found,
  ${EXIT.denied} permission denied or already exists, ${EXIT.verify} checksum mismatch, ${EXIT.localIo} local disk
  error, ${EXIT.protocol} protocol error or unsupported, ${EXIT.canceled} canceled.
`;
