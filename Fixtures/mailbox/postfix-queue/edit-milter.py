import Milter
class Edit(Milter.Base):
    def envfrom(self, f, *s): return Milter.CONTINUE
    def eom(self):
        self.addheader("X-Scanned-By", "editmilter 1.0")
        self.chgheader("Subject", 1, "[scanned] edited subject")
        self.addheader("X-First", "inserted at the top", 0)
        self.addrcpt("<audit@remote.example>")
        return Milter.ACCEPT
Milter.factory = Edit
Milter.set_flags(Milter.ADDHDRS | Milter.CHGHDRS | Milter.ADDRCPT)
Milter.runmilter("editmilter", "inet:8899@127.0.0.1", 60)
