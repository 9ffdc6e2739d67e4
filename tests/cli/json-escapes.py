#!/usr/bin/env python3
"""The JSON report's strings (src/cli/json.c put_string): plain bytes go
out in runs, and around them a quote and a backslash are escaped, a control
byte is \\n, \\t or \\u00XX, a valid UTF-8 sequence is copied and any other
byte above 0x7f is \\ufffd.  The string carrying them is an input's path,
which verify's report repeats (a truncated cabinet made here)."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import Tap  # noqa: E402

t = Tap()
work = tempfile.mkdtemp(prefix="mum-json-escapes-")
try:
    name = b'q"b\\c\td\x01e\xfff\xc3\xa9g\x7fh.cab'
    path = os.path.join(work.encode(), name)
    with open(path, "wb") as f:
        f.write(b"MSCFxx")
    exe = os.environ["MUMTOOL"]
    r = subprocess.run([exe, "verify", "--format", "json", path], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    out = r.stdout
    want = b'q\\"b\\\\c\\td\\u0001e\\ufffdf\xc3\xa9g\x7fh.cab'
    t.ok(want in out, "the input's path, escaped as JSON wants, in the report",
         out.decode("utf-8", "replace")[:1500])
    try:
        rep = json.loads(out.decode("utf-8"))
        t.ok(isinstance(rep, dict), "the report is JSON")
    except ValueError as e:
        t.ok(False, "the report is JSON", str(e))
finally:
    shutil.rmtree(work, ignore_errors=True)
t.done()
