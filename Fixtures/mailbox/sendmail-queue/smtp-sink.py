#!/usr/bin/env python3
"""A minimal SMTP server for the cross-check in make-queue-files.sh: accepts every message (EHLO offers
8BITMIME, so Sendmail sends 8-bit bodies as they are) and writes each one's DATA, dot-unstuffed and in LF,
to DIR/N.eml with DIR/N.env holding MAIL FROM and RCPT TO. usage: smtp-sink.py PORT DIR"""
import socket, sys, os, threading

port, folder = int(sys.argv[1]), sys.argv[2]
os.makedirs(folder, exist_ok=True)
counter = [0]
lock = threading.Lock()

def serve(conn):
    f = conn.makefile("rb")
    def say(text):
        conn.sendall(text.encode() + b"\r\n")
    say("220 sink ESMTP")
    sender, rcpts = b"", []
    while True:
        line = f.readline()
        if not line:
            break
        cmd = line.rstrip(b"\r\n")
        upper = cmd.upper()
        if upper.startswith(b"EHLO"):
            say("250-sink"); say("250-8BITMIME"); say("250 DSN")
        elif upper.startswith(b"HELO"):
            say("250 sink")
        elif upper.startswith(b"MAIL FROM:"):
            sender, rcpts = cmd[10:], []; say("250 ok")
        elif upper.startswith(b"RCPT TO:"):
            rcpts.append(cmd[8:]); say("250 ok")
        elif upper == b"DATA":
            say("354 go")
            body = []
            while True:
                l = f.readline()
                if l in (b".\r\n", b".\n", b""):
                    break
                if l.startswith(b"."):
                    l = l[1:]
                body.append(l.replace(b"\r\n", b"\n"))
            with lock:
                counter[0] += 1
                n = counter[0]
            open(os.path.join(folder, "%d.eml" % n), "wb").write(b"".join(body))
            open(os.path.join(folder, "%d.env" % n), "wb").write(sender + b"\n" + b"\n".join(rcpts) + b"\n")
            say("250 queued")
        elif upper == b"QUIT":
            say("221 bye"); break
        else:
            say("250 ok")
    conn.close()

s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", port))
s.listen(5)
while True:
    c, _ = s.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
