"""A small TAP producer for the Python command-line tests.

    t = Tap()
    t.ok(cond, "what", "diagnostic lines if it failed")
    t.skip("what", "why")
    t.todo(cond, "what", "the known bug", "diagnostic")
    t.done()            # prints the plan; exit status 0 (the TAP lines carry the verdicts)
"""
import json
import os
import subprocess
import sys


class Tap:
    def __init__(self):
        self.n = 0
        self.lines = []

    def ok(self, cond, what, diag=""):
        self.n += 1
        self.lines.append("%s %d - %s" % ("ok" if cond else "not ok", self.n, what))
        if not cond and diag:
            for line in str(diag).splitlines()[:60]:
                self.lines.append("# " + line)
        return cond

    def todo(self, cond, what, why, diag=""):
        """A known bug: 'not ok ... # TODO why' does not fail the suite; once
        it passes the driver reports an unexpected pass, so the TODO goes."""
        self.n += 1
        self.lines.append("%s %d - %s # TODO %s" % ("ok" if cond else "not ok", self.n, what, why))
        if not cond and diag:
            for line in str(diag).splitlines()[:60]:
                self.lines.append("# " + line)
        return cond

    def skip(self, what, why):
        self.n += 1
        self.lines.append("ok %d - %s # SKIP %s" % (self.n, what, why))

    def done(self):
        print("1..%d" % self.n)
        print("\n".join(self.lines))
        sys.stdout.flush()
        sys.exit(0)


def mumtool(*args, stdin=None):
    """Runs the built mumtool; returns (exit status, stdout, stderr)."""
    exe = os.environ["MUMTOOL"]
    r = subprocess.run([exe] + list(args), input=stdin, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    return r.returncode, r.stdout.decode("utf-8", "replace"), r.stderr.decode("utf-8", "replace")


def mumtool_json(*args):
    rc, out, err = mumtool(*args)
    try:
        return rc, json.loads(out), err
    except ValueError as e:
        return rc, None, err + "\nnot JSON: %s\n%s" % (e, out[:2000])


def srcdir():
    return os.environ.get("MUM_SRCDIR") or os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))))


def realdata():
    return os.environ.get("MUM_REALDATA") or os.path.join(srcdir(), "..", "shared", "realdata")


def at_least_warning(report):
    return [f for f in report["findings"] if f["severity"] in ("warning", "error")]


def findings_by_rule(report, severities=("error",)):
    """{rule id: count} of a report's findings at the given severities."""
    import collections
    return collections.Counter(f["rule"] for f in report["findings"] if f["severity"] in severities)


def cabextract(cabinet, folder):
    """Extracts a cabinet with cabextract (an independent reader), quietly."""
    os.makedirs(folder, exist_ok=True)
    subprocess.run(["cabextract", "-q", "-d", folder, cabinet], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return folder


def delta_apply_batch(t, d, ncases, timeout):
    """Runs tests/tools/delta-apply --batch on the cases of d (cases.tsv),
    checks that it ran all ncases and exited 0, and gives its results by
    case name: [status, size, cmp, message]."""
    helper = os.path.join(os.environ.get("MUM_BUILDDIR", "."), "tests", "tools", "delta-apply")
    try:
        r = subprocess.run([helper, "--batch", d], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True, timeout=timeout)
        rc, out, err = r.returncode, r.stdout, r.stderr
    except subprocess.TimeoutExpired as e:
        rc, out, err = "timeout", (e.stdout or b"").decode("utf-8", "replace"), "timed out"
    results = {}
    for line in out.splitlines():
        f = line.split("\t")
        if len(f) == 5:
            results[f[0]] = f[1:]
    last = out.splitlines()[-1].split("\t")[0] if out.strip() else "(none)"
    t.ok(rc == 0 and len(results) == ncases,
         "delta-apply --batch ran all %d cases and exited 0 (no crash, hang, sanitizer report)"
         % ncases,
         "exit %s after %d cases (last finished: %s)\n%s" % (rc, len(results), last, err[-3000:]))
    return results


def flip_byte(path, offset):
    """Changes one bit of the byte at offset in place (a copy, never a real file)."""
    with open(path, "r+b") as f:
        f.seek(offset)
        b = f.read(1)
        f.seek(offset)
        f.write(bytes([b[0] ^ 0x01]))


def _der(buf, pos):
    """(tag, content start, content end) of the DER element at pos."""
    tag = buf[pos]
    n = buf[pos + 1]
    pos += 2
    if n & 0x80:
        k = n & 0x7f
        n = int.from_bytes(buf[pos:pos + k], "big")
        pos += k
    return tag, pos, pos + n


def _der_children(buf, start, end):
    out = []
    while start < end:
        tag, cs, ce = _der(buf, start)
        out.append((tag, cs, ce))
        start = ce
    return out


def signer_signature_span(der):
    """(offset, length) of the first signer's encryptedDigest in a PKCS#7
    SignedData such as a catalog: the signature value itself, so a test can
    damage the signature without touching what it signs."""
    _, cs, ce = _der(der, 0)                        # ContentInfo
    content = _der_children(der, cs, ce)[1]         # [0] EXPLICIT
    _, sds, sde = _der(der, content[1])             # SignedData
    signer_infos = _der_children(der, sds, sde)[-1]  # SET OF SignerInfo
    first = _der_children(der, signer_infos[1], signer_infos[2])[0]
    for tag, s, e in _der_children(der, first[1], first[2]):
        if tag == 0x04:                             # encryptedDigest OCTET STRING
            return s, e - s
    raise ValueError("no encryptedDigest in the first SignerInfo")
