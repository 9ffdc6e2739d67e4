#!/usr/bin/env python3
"""The command line is thin (TAP): src/cli/ parses arguments, calls the
library and prints.  It names no rule id (every id of src/lib/rules.def,
and no "module." prefix of one, appears in no string literal there: the
library decides which rule a finding is) and walks no container itself
(no cabinet, .msu metadata or express index call below the streaming
walk, no look at a cabinet's header; mum_walk_run with callbacks is the
way in).  Comments may mention both.  The scanner is first tried on a
snippet holding each kind of offence, so it cannot pass by seeing nothing.
"""
import glob
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import Tap, srcdir  # noqa: E402

# Calls and fields below the streaming walk: a CLI that uses one of these
# is reading containers by hand.
CONTAINER_CALLS = [
    (r"\bmum_cab_\w+\s*\(", "a cabinet call (mum_cab_*)"),
    (r"->\s*cab\b", "a cabinet header read from a walk entry"),
    (r"\bmum_msu_\w*parse\w*\s*\(", "an .msu metadata parser"),
    (r"\bmum_express_collector_\w+", "an express index collector"),
    (r"\bmum_express_index_parse\s*\(", "an express index parser"),
    (r"\bmum_walk_(?:open|next|read)\s*\(", "the pull walk (hand iteration)"),
]


def split_c(text):
    """(code with strings and comments blanked, [(line, string literal)])."""
    code, strings = [], []
    i, n, line = 0, len(text), 1
    while i < n:
        c = text[i]
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            line += text.count("\n", i, j)
            code.append("\n" * text.count("\n", i, j))
            i = j
        elif text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif c in "\"'":
            j, buf = i + 1, []
            while j < n and text[j] != c and text[j] != "\n":
                if text[j] == "\\" and j + 1 < n:
                    buf.append(text[j:j + 2])
                    j += 2
                    continue
                buf.append(text[j])
                j += 1
            if c == '"':
                strings.append((line, "".join(buf)))
            code.append(c + c)
            i = j + 1
        else:
            if c == "\n":
                line += 1
            code.append(c)
            i += 1
    return "".join(code), strings


def rule_ids():
    text = open(os.path.join(srcdir(), "src", "lib", "rules.def"), encoding="utf-8").read()
    return re.findall(r'MUM_RULE\(\s*\w+\s*,\s*"([^"]+)"', text)


def offences(name, text, ids):
    modules = sorted({i.split(".")[0] for i in ids})
    prefix = re.compile(r"^(?:%s)\.[a-z0-9-]*$" % "|".join(map(re.escape, modules)))
    within = re.compile(r"(?<![A-Za-z0-9.-])(?:%s)(?![A-Za-z0-9.-])" % "|".join(map(re.escape, ids)))
    code, strings = split_c(text)
    found = []
    for line, s in strings:
        m = within.search(s)
        if m:
            found.append("%s:%d: rule id \"%s\" in a string" % (name, line, m.group(0)))
        elif prefix.match(s):
            found.append("%s:%d: rule id prefix \"%s\" in a string" % (name, line, s))
    for pattern, what in CONTAINER_CALLS:
        for m in re.finditer(pattern, code):
            found.append("%s:%d: %s: %s" % (name, code.count("\n", 0, m.start()) + 1, what, m.group(0)))
    return found


t = Tap()
ids = rule_ids()
t.ok(len(ids) > 50 and "catalog.not-member" in ids, "the rule ids are read from src/lib/rules.def",
     "found %d" % len(ids))

snippet = '''/* comments may say "catalog.not-member" and mum_cab_open( */
static int f(const mum_entry *e, mum_findings *l) {
    const char *quote = "it's \\"fine\\"";  // mum_walk_next( in a comment
    mum_findings_add(l, "name.malformed", NULL, "x");
    printf("[%s] see trust.missing-catalog\\n", quote);
    if (strncmp(id, "name.key-", 9) == 0) return 1;
    mum_cab_signature_verify(a, b);
    if (e->cab->cabinet_size) return 2;
    mum_msu_properties_parse(&p, ctx, NULL, "", 0);
    mum_express_collector_begin(c, "n", 1);
    return mum_walk_next(w, &e) + mum_walk_run(ctx, "in", NULL, NULL, NULL, NULL);
}
'''
got = offences("snippet.c", snippet, ids)
want = ['snippet.c:4: rule id "name.malformed" in a string',
        'snippet.c:5: rule id "trust.missing-catalog" in a string',
        'snippet.c:6: rule id prefix "name.key-" in a string',
        "snippet.c:7: a cabinet call (mum_cab_*): mum_cab_signature_verify(",
        "snippet.c:8: a cabinet header read from a walk entry: ->cab",
        "snippet.c:9: an .msu metadata parser: mum_msu_properties_parse(",
        "snippet.c:10: an express index collector: mum_express_collector_begin",
        "snippet.c:11: the pull walk (hand iteration): mum_walk_next("]
t.ok(sorted(got) == sorted(want), "the scanner finds every kind of offence and nothing in comments",
     "got:\n" + "\n".join(got) + "\nwant:\n" + "\n".join(want))

files = sorted(glob.glob(os.path.join(srcdir(), "src", "cli", "*.[ch]")))
t.ok(len(files) > 10, "src/cli/ has its sources", "found %d" % len(files))
ids_found, calls_found = [], []
for path in files:
    rel = os.path.relpath(path, srcdir())
    for o in offences(rel, open(path, encoding="utf-8").read(), ids):
        (ids_found if "rule id" in o else calls_found).append(o)
t.ok(not ids_found, "src/cli/ names no rule id (the library adds findings by rule)", "\n".join(ids_found))
t.ok(not calls_found, "src/cli/ walks no container by hand (mum_walk_run and library readers do)",
     "\n".join(calls_found))
t.done()
