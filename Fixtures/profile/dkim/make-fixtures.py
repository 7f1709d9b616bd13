#!/usr/bin/python3
# Writes the DKIM fixtures of DKIMTests with dkimpy (Debian python3-dkim 1.1.4), an implementation
# independent of ours: fresh keys each run (only the public halves are kept), one message signed four ways.
# Run from this folder: /usr/bin/python3 make-fixtures.py   (needs python3-dkim, python3-nacl, openssl)
import base64, subprocess, dkim, nacl.signing

subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "/tmp/dkim-rsa.pem"],
               check=True, capture_output=True)
rsa_private = open("/tmp/dkim-rsa.pem", "rb").read()
open("rsa.pub.pem", "wb").write(subprocess.run(["openssl", "pkey", "-in", "/tmp/dkim-rsa.pem", "-pubout"],
                                               check=True, capture_output=True).stdout)
ed_key = nacl.signing.SigningKey.generate()
ed_private = base64.b64encode(bytes(ed_key))
open("ed25519.pub.b64", "w").write(base64.b64encode(bytes(ed_key.verify_key)).decode() + "\n")

# Two Received and two To fields (h= picks bottom-up), odd spacing (simple vs relaxed differ), a folded field.
message = (b"Received: from a.example by mx-out1.example.com; Mon, 12 Jan 2026 10:00:01 +0000\r\n"
           b"Received: from b.example by a.example; Mon, 12 Jan 2026 10:00:00 +0000\r\n"
           b"From: Alice <alice@example.com>\r\n"
           b"To: first@partner.example\r\n"
           b"Subject:   Quarterly   report \r\n"
           b"Date: Mon, 12 Jan 2026 10:00:00 +0000\r\n"
           b"Message-ID: <20260112100000.ABCDEF0123@mx-out1.example.com>\r\n"
           b"X-Long: one two three four five six seven eight nine ten eleven twelve\r\n"
           b"\tthirteen fourteen\r\n"
           b"To: second@partner.example\r\n"
           b"MIME-Version: 1.0\r\n"
           b"Content-Type: text/plain; charset=us-ascii\r\n"
           b"\r\n"
           b"Hello,\r\n\r\nthe report is attached.\r\n")
headers = [b"from", b"to", b"to", b"subject", b"subject", b"date", b"message-id", b"x-long",
           b"mime-version", b"content-type"]

def sign(key, algorithm, canonicalization):
    return dkim.sign(message, b"s2026", b"example.com", key, include_headers=headers,
                     canonicalize=canonicalization, signature_algorithm=algorithm, linesep=b"\r\n")

variants = {
    "rsa-relaxed": sign(rsa_private, b"rsa-sha256", (b"relaxed", b"relaxed")),
    "rsa-simple": sign(rsa_private, b"rsa-sha256", (b"simple", b"simple")),
    "ed25519-relaxed": sign(ed_private, b"ed25519-sha256", (b"relaxed", b"relaxed")),
    "ed25519-simple": sign(ed_private, b"ed25519-sha256", (b"simple", b"simple")),
}
rsa_p = b"".join(l for l in open("rsa.pub.pem", "rb").read().splitlines() if not l.startswith(b"-----"))
records = {"rsa": b"v=DKIM1; k=rsa; p=" + rsa_p, "ed25519": b"v=DKIM1; k=ed25519; p=" + base64.b64encode(bytes(ed_key.verify_key))}
for name, signature in variants.items():
    signed = signature + message
    record = records[name.split("-")[0]]
    assert dkim.verify(signed, dnsfunc=lambda domain, timeout=5: record), name
    open(name + ".eml", "wb").write(signed)
