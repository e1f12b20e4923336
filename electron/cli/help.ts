import { EXIT } from './exitCodes.js';

export const HELP = `Usage: ferry <command> [options] <url>...

Transfer files over FTP, FTPS, SFTP and TFTP from the command line,
with the same engines as the Ferry app.

Commands:
  ls URL              list a folder
  get URL [LOCAL]     download a file (to LOCAL, a file or folder; default:
                      the current folder), via NAME.ferrypart renamed when
                      complete and checked
  put LOCAL URL       upload a file (a URL ending in / names the folder)

URLs:
  ftp://[user[:password]@]host[:port]/path     plain FTP
  ftpes://...                                  FTP with explicit TLS (AUTH TLS)
  ftps://...                                   FTP with implicit TLS (port 990)
  sftp://...                                   SFTP over SSH
  tftp://host[:port]/file                      TFTP
  file:///path                                 the local disk
  Paths are absolute; with no path the command works in the folder the
  session starts in, and /~/NAME means NAME inside it. Percent-encode
  special characters in names; put IPv6 addresses in brackets
  (sftp://[::1]:2222/). The password may also come from FERRY_PASSWORD.

Options:
  -a, --all           ls: include hidden entries
  -c, --continue      get/put: resume a partial transfer
      --json          print one JSON object on stdout instead of text
                      (transfers: files, bytes, seconds, verified)
  -v, --verbose       print the session's commands and replies on stderr
      --active        FTP: active mode (default passive)
      --trust-fingerprint FP
                      FTPS: accept the certificate with this SHA-256
                      fingerprint; SFTP: accept this SHA256:... host key
  -i, --identity FILE SFTP: private key file
      --accept-new-host-key
                      SFTP: store an unknown host key (a changed key is
                      always refused)
      --blksize N, --windowsize N, --timeout S
                      TFTP options (RFC 2348, 7440, 2349)
  -h, --help          show this help
  -V, --version       show the version

Exit codes:
  ${EXIT.ok} success, ${EXIT.unexpected} unexpected error, ${EXIT.usage} bad command or URL, ${EXIT.connection} connection lost or
  timed out, ${EXIT.auth} login refused, ${EXIT.trust} host key or certificate not trusted, ${EXIT.notFound} not found,
  ${EXIT.denied} permission denied or already exists, ${EXIT.verify} checksum mismatch, ${EXIT.localIo} local disk
  error, ${EXIT.protocol} protocol error or unsupported, ${EXIT.canceled} canceled.
`;
