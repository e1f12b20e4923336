import { EXIT } from './exitCodes.js';

export const HELP = `Usage: ferry <command> [options] <url>...

Transfer files over FTP, FTPS, SFTP and TFTP from the command line,
with the same engines as the Ferry app.

Commands:
  ls URL              list a folder
  get URL [LOCAL]     download a file (-r: a folder) to LOCAL, a new name
                      or a folder to put it in (default: the current
                      folder), via NAME.ferrypart renamed when complete
                      and checked
  put LOCAL URL       upload a file (-r: a folder); a URL ending in / names
                      the folder to put it in
  mirror SRC DST      make DST a copy of SRC, one way (URL to local folder
                      downloads, local folder to URL uploads): copies what
                      is missing, differs in size or is newer; never
                      downloads through a symbolic link in DST
  hash URL            print the hash the server computes for a file (FTP:
                      HASH or XSHA256 and the like; SFTP: check-file)
  tftp-serve DIR      serve DIR over TFTP until Ctrl-C, one line per
                      transfer (--json: one object per transfer event)

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
  (sftp://[::1]:2222/). A URL without a password takes FERRY_PASSWORD's.

Options:
  -a, --all           ls: include hidden entries
  -c, --continue      get/put: resume a partial transfer
  -r, --recursive     get/put: folders with everything in them
  -P, --parallel N    connections (and transfers) at once, default 4
      --limit-rate RATE
                      get/put/mirror: at most RATE bytes per second each way,
                      all transfers together; K, M, G for KiB, MiB, GiB
                      (e.g. 500K, 1.5M)
      --verify MODE   auto (the strongest hash the server offers, else the
                      size), md5, sha1, sha256, sha512 (stops with exit 10
                      if the server cannot compute it), or none (size only)
      --expect-hash ALGO:HEX
                      get/put one file: it must have this hash (md5, sha1,
                      sha256, sha512), e.g. a vendor's published SHA-256;
                      bare HEX names its algorithm by its length
      --algo ALGO     hash: the algorithm (default: the strongest offered)
      --delete        mirror: also delete what SRC lacks; refused until a
                      --dry-run with --delete of the same two folders has
                      listed exactly that (one run per dry run). Never
                      deletes what SRC skipped (unsafe or .ferrypart names,
                      links it does not follow); an unreadable SRC folder
                      stops the run
  -n, --dry-run       mirror: list what would be copied (and deleted)
      --fsync         flush each downloaded file to disk before it gets its
                      final name (survives a power cut; slower)
      --json          print one JSON object on stdout instead of text
                      (transfers: files, bytes, seconds, verified)
  -v, --verbose       print the session's commands and replies on stderr
      --active        FTP: active mode (default passive)
      --trust-fingerprint FP
                      FTPS: accept the certificate with this SHA-256
                      fingerprint (hex as openssl prints it, colons and a
                      SHA256: prefix optional); SFTP: accept this
                      SHA256:... host key
  -i, --identity FILE SFTP: private key file (OpenSSH, PEM or PPK); its
                      passphrase may come from FERRY_PASSPHRASE. As ssh
                      does, an agent in SSH_AUTH_SOCK is tried first; and
                      without -i, ssh's default keys after it (~/.ssh/id_rsa,
                      id_ecdsa, id_ed25519; FERRY_PASSPHRASE opens an
                      encrypted one)
      --requests N    SFTP: read/write requests in flight per transfer
                      (default 32; 1 for servers that mishandle more)
      --ciphers LIST  SFTP: ciphers to offer, most preferred first, as
                      ssh -c takes them (e.g. aes128-gcm@openssh.com)
      --accept-new-host-key
                      SFTP: store an unknown host key (a changed key is
                      always refused)
      --blksize N, --windowsize N, --timeout S
                      TFTP options (RFC 2348, 7440, 2349)
      --bind ADDR     tftp-serve: address to listen on (default 127.0.0.1;
                      0.0.0.0 or :: for every interface)
      --port N        tftp-serve: UDP port (default 69, which needs
                      administrator privileges; use e.g. 6969 without them)
      --writable      tftp-serve: accept uploads (default read-only)
      --overwrite     tftp-serve: let uploads replace existing files
  -h, --help          show this help
  -V, --version       show the version

Exit codes:
  ${EXIT.ok} success, ${EXIT.unexpected} unexpected error, ${EXIT.usage} bad command or URL, ${EXIT.connection} connection lost or
  timed out, ${EXIT.auth} login refused, ${EXIT.trust} host key or certificate not trusted, ${EXIT.notFound} not found,
  ${EXIT.denied} permission denied or already exists, ${EXIT.verify} checksum mismatch, ${EXIT.localIo} local disk
  error, ${EXIT.protocol} protocol error or unsupported, ${EXIT.canceled} canceled.
`;
