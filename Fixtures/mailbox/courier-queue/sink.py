#!/usr/bin/env python3
"""A small SMTP server for make-queue.sh on 127.0.0.1:2626. `refuse` (the default): RCPT TO an address
starting `nosuch` gets `550 5.1.1 User unknown`, any other `451 4.3.0 Try again later`, so that Courier
bounces the first and keeps the rest on its queue. `accept DIR`: every message is taken and written to
DIR as N.eml, N counting from 1, the bytes as received after DATA with the dot-stuffing undone and CRLF
made LF (the cross-check of the queue's data files)."""
import os, socketserver, sys

mode = sys.argv[1] if len(sys.argv) > 1 else 'refuse'
folder = sys.argv[2] if len(sys.argv) > 2 else None
count = [0]


class Session(socketserver.StreamRequestHandler):
    def reply(self, line):
        self.wfile.write(line.encode() + b'\r\n')

    def handle(self):
        self.reply('220 sink.example ESMTP')
        accepted = 0
        while True:
            line = self.rfile.readline()
            if not line:
                return
            verb = line[:4].upper()
            if verb in (b'EHLO', b'HELO'):
                self.reply('250 sink.example')
            elif verb == b'MAIL':
                accepted = 0
                self.reply('250 2.1.0 Ok')
            elif verb == b'RCPT':
                address = line.split(b':', 1)[1].strip().strip(b'<>').lower()
                if mode == 'accept':
                    accepted += 1
                    self.reply('250 2.1.5 Ok')
                elif address.startswith(b'nosuch'):
                    self.reply('550 5.1.1 User unknown')
                else:
                    self.reply('451 4.3.0 Try again later')
            elif verb == b'DATA' and accepted:
                self.reply('354 Go ahead')
                data = b''
                while True:
                    line = self.rfile.readline()
                    if line in (b'.\r\n', b'.\n', b''):
                        break
                    if line.startswith(b'.'):
                        line = line[1:]
                    data += line.replace(b'\r\n', b'\n')
                count[0] += 1
                with open(os.path.join(folder, f'{count[0]}.eml'), 'wb') as f:
                    f.write(data)
                self.reply('250 2.0.0 Ok')
            elif verb == b'QUIT':
                self.reply('221 Bye')
                return
            else:
                self.reply('250 Ok' if verb in (b'RSET', b'NOOP') else '502 5.5.2 No')


socketserver.ThreadingTCPServer.allow_reuse_address = True
with socketserver.ThreadingTCPServer(('127.0.0.1', 2626), Session) as server:
    server.serve_forever()
