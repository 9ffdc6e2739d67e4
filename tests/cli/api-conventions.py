#!/usr/bin/env python3
"""api-conventions.py - the conventions stated at the top of
include/mum/mum.h, checked on the text of every public header (TAP):

  1. results come back through the FIRST parameters: a parameter named
     `out`, `out_*` or `*_out` is never preceded by one that is not;
  2. one suffix for option structs: `_options` (no public `_opts`);
  3. every public `_free` and `_clear` is called with NULL by
     tests/unit/test_api.c (which runs them: NULL is accepted);
  4. no third-party type in a public header (STYLE.md).
"""
import glob
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import taplib  # noqa: E402

SRCDIR = taplib.srcdir()
headers = sorted(glob.glob(os.path.join(SRCDIR, 'include', 'mum', '*.h')))
t = taplib.Tap()


def strip_comments(text):
    return re.sub(r'/\*.*?\*/', ' ', re.sub(r'//[^\n]*', ' ', text), flags=re.S)


def prototypes(text):
    for m in re.finditer(r'MUM_EXTERN\s+[^;]*?\b(mum_\w+)\s*\(([^;]*?)\)\s*;', text, re.S):
        params = [re.sub(r'\s+', ' ', p).strip() for p in m.group(2).split(',')]
        yield m.group(1), params


def is_out(param):
    name = re.sub(r'\[.*\]$', '', param).split(' ')[-1].lstrip('*')
    return name == 'out' or name.startswith('out_') or name.endswith('_out')


t.ok(len(headers) > 10, 'the public headers are found (%d)' % len(headers))
late, opts, third, frees = [], [], [], []
for h in headers:
    text = strip_comments(open(h, encoding='utf-8').read())
    base = os.path.basename(h)
    for name, params in prototypes(text):
        seen_in = False
        for p in params:
            if is_out(p):
                if seen_in:
                    late.append('%s: %s(%s)' % (base, name, ', '.join(params)))
                    break
            else:
                seen_in = True
        if re.match(r'mum_\w+_(free|clear)$', name):
            frees.append(name)
    opts += ['%s: %s' % (base, w) for w in re.findall(r'\b\w+_opts\b|\b\w+_OPTS_\w+', text)]
    third += ['%s: %s' % (base, w) for w in
              re.findall(r'\b(?:EVP_\w+|X509\w*|XML_\w+|archive_\w+|BIO\b|pthread_\w+)', text)]

t.ok(not late, 'out-parameters come first in every public function', '\n'.join(late))
t.ok(not opts, 'option structs are named _options', '\n'.join(opts))
t.ok(not third, 'no third-party type in a public header', '\n'.join(third))
test_api = open(os.path.join(SRCDIR, 'tests', 'unit', 'test_api.c'), encoding='utf-8').read()
missing = [f for f in frees if not re.search(r'\b%s\(NULL\)' % f, test_api)]
t.ok(len(frees) > 20 and not missing,
     'every public _free/_clear (%d) is called with NULL in tests/unit/test_api.c' % len(frees), '\n'.join(missing))
t.done()
