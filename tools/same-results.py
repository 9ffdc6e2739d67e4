#!/usr/bin/env python3
"""same-results: run two builds of mumtool over every input we have and show
that they say the same thing.

Usage: tools/same-results.py [--old REV | --old-bin PATH] [--new-bin PATH]
                             [--realdata DIR] [--keep DIR] [--jobs N]
                             [--samples-only] [--only REGEX]

The safety net of a restructure ("read first, judge after"): a change meant
to keep behaviour must leave every output byte and every exit status alone.

OLD (the reference):
  --old-bin PATH  a mumtool binary already built;
  --old REV       a revision of this repository, built here: `git archive REV`
                  into the scratch folder, autoreconf, configure, `make mumtool`
                  (nothing is written to the repository or its worktrees).
  Default REV: the merge-base of HEAD and `main`; when that is HEAD itself
  (on main, or a branch with no commit of its own), HEAD~1 if the work tree is
  clean, else HEAD (so that uncommitted changes are what is compared).
NEW (the candidate): --new-bin PATH, default _build/mumtool of this tree,
  brought up to date first with `make mumtool` when _build/Makefile exists.

Inputs (paths relative to the top of the tree, $MUM_REALDATA as given):
  samples/: every .msu (and .cab) and every .cat/.mum/.manifest file;
  tests/fixtures/: every .msu/.cab container, .mum/.manifest, .cat;
  realdata (--realdata, else $MUM_REALDATA, else ../shared/realdata): msu/,
    hyperv/, cab-edge/, unsigned.cat, pa30/dcm/*.manifest. Skipped with a
    message when absent.
Commands, each run by both builds:
  per container: verify --format json, ls, ls --json, info, info --json,
    extract -C DIR (the written tree is compared too: names, sizes, SHA-256);
  per sample family (a folder of .msu): verify --format json of its files
    together, plain and with --trust samples/test-ca.pem --policy
    samples/kb943650.policy;
  diff --format json for the pairs: samples' revisions (kb943650 vs
    kb943650-v2, per platform and whole family), platforms (x86/x64,
    x64/ia64), every broken/ twin against the clean family, and the real
    x86/x64 pairs (KB2938772, KB2465285, both hyperv families);
  per extracted servicing package folder: verify --format json, ls, info;
  per catalog (committed ones and every .cat the extraction wrote, nested
    cabinets included): cat --json and cat verify --json;
  per .mum/.manifest (committed and extracted): show --json.
  Extracted catalogs and manifests with the same bytes (the broken/ twins
  share most of theirs with the clean family) are run once, under the first
  path found: same bytes, same path pattern, nothing more to learn.

Compared: standard output, standard error and the exit status.

Normalised (the only fields documented as run-dependent; anything else that
differs is a difference):
  1. the tool's version in JSON reports: "tool": {"name": "mumtool",
     "version": V} (verify) and "tool": "mumtool diff", "version": V (diff).
     Why: a restructure may bump the version; it describes the build, not
     the input.
  2. the evaluation time of a signature checked at the current time:
     "timeSource": "now", "evaluatedAt": T (JSON) and "evaluated at T (now)"
     (text). Why: it is the clock of the run (the two builds run seconds
     apart); a time from a timestamp or --at is not touched.
  3. extract's target folder: each build extracts into its own scratch
     folder, whose absolute path is replaced by <DIR> in extract's output.
     Why: the two folders must differ; all other commands read the same
     paths with both builds.
  4. the path of the binary itself in standard error (usage messages):
     replaced by "mumtool".  Why: the two builds live in different folders.
No command prints timings (progress goes to a terminal only, never here).

Output: for every command that differs, one line "differ: COMMAND (what)"
followed by an excerpt of the unified diff; then one summary line
  same-results: N commands, N identical, N differ
Exit status: 0 all identical, 1 some differ, 2 usage error, 3 could not run
(the OLD build failed, a binary is missing).
"""

import argparse
import concurrent.futures
import difflib
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXCERPT_LINES = 16


def die(msg, code=3):
    print("same-results: " + msg, file=sys.stderr)
    sys.exit(code)


def git(*args):
    r = subprocess.run(["git", "-C", TOP] + list(args), capture_output=True, text=True)
    if r.returncode:
        die("git %s: %s" % (" ".join(args), r.stderr.strip() or "failed"))
    return r.stdout.strip()


def default_old_rev():
    head = git("rev-parse", "HEAD")
    r = subprocess.run(["git", "-C", TOP, "merge-base", "HEAD", "main"], capture_output=True,
                       text=True)
    base = r.stdout.strip() if r.returncode == 0 else head
    if base != head:
        return base
    dirty = git("status", "--porcelain", "--untracked-files=no")
    return "HEAD" if dirty else "HEAD~1"


def build_old(rev, scratch):
    commit = git("rev-parse", "--verify", rev + "^{commit}")
    src = os.path.join(scratch, "old-" + commit[:12])
    binary = os.path.join(src, "_build", "mumtool")
    if os.path.exists(binary):  # a kept scratch folder: already built
        return binary, commit
    shutil.rmtree(src, ignore_errors=True)
    os.makedirs(src)
    log = os.path.join(scratch, "old-build.log")
    print("same-results: building OLD %s in %s (log: %s)" % (commit[:12], src, log), flush=True)
    script = ("set -e; git -C '%s' archive %s | tar -x -C '%s'; cd '%s'; autoreconf -fi;"
              " mkdir -p _build; cd _build; ../configure; nice make -j2 mumtool"
              % (TOP, commit, src, src))
    with open(log, "w") as f:
        if subprocess.run(["sh", "-c", script], stdout=f, stderr=subprocess.STDOUT).returncode:
            die("building OLD %s failed: see %s" % (commit[:12], log))
    return binary, commit


def new_binary(arg):
    if arg:
        return os.path.abspath(arg)
    build = os.path.join(TOP, "_build")
    if os.path.exists(os.path.join(build, "Makefile")):
        r = subprocess.run(["nice", "make", "-C", build, "-j2", "mumtool"], capture_output=True,
                           text=True)
        if r.returncode:
            die("make mumtool in %s failed:\n%s" % (build, r.stdout[-2000:] + r.stderr[-2000:]))
    return os.path.join(build, "mumtool")


# --- inputs -------------------------------------------------------------------

CONTAINER = (".msu", ".cab")
MANIFEST = (".mum", ".manifest")


def walk(root, exts):
    out = []
    for d, dirs, files in os.walk(root):
        dirs.sort()
        for f in sorted(files):
            if f.lower().endswith(exts):
                out.append(os.path.join(d, f))
    return out


def rel(p):
    return os.path.relpath(p, TOP) if p.startswith(TOP + os.sep) else p


def family_dirs():
    """Folders of samples/ holding several .msu: a hotfix's platforms."""
    fams = []
    for d, dirs, files in os.walk(os.path.join(TOP, "samples")):
        dirs.sort()
        msus = sorted(f for f in files if f.endswith(".msu"))
        if len(msus) > 1:
            fams.append((rel(d), [os.path.join(rel(d), m) for m in msus]))
    return fams


# --- running --------------------------------------------------------------------

NORMALISE = [
    (re.compile(r'("tool":\s*\{\s*"name":\s*"mumtool",\s*"version":\s*)"[^"]*"'), r'\1"<version>"'),
    (re.compile(r'("tool":\s*"mumtool diff",\s*"version":\s*)"[^"]*"'), r'\1"<version>"'),
    (re.compile(r'("timeSource":\s*"now",\s*"evaluatedAt":\s*)"[^"]*"'), r'\1"<now>"'),
    (re.compile(r'(evaluated at\s+)\S+( \(now\))'), r'\1<now>\2'),
]


def normalise(text, binary, folder):
    for rx, repl in NORMALISE:
        text = rx.sub(repl, text)
    if folder:
        text = text.replace(folder, "<DIR>")
    return text.replace(binary, "mumtool")


def tree(folder):
    """Names, sizes and SHA-256 of what extract wrote, for comparison."""
    lines = []
    for d, dirs, files in os.walk(folder):
        dirs.sort()
        for f in sorted(files):
            p = os.path.join(d, f)
            with open(p, "rb") as fh:
                h = hashlib.sha256(fh.read()).hexdigest()
            lines.append("%s %d %s" % (os.path.relpath(p, folder), os.path.getsize(p), h))
    for d, dirs, files in os.walk(folder):
        for x in dirs:
            lines.append("dir " + os.path.relpath(os.path.join(d, x), folder))
    return "\n".join(sorted(lines)) + "\n"


def run_one(binary, args, folder=None):
    argv = [binary] + [a.replace("{DIR}", folder) if folder else a for a in args]
    r = subprocess.run(argv, cwd=TOP, capture_output=True,
                       env=dict(os.environ, LC_ALL="C", TZ="UTC"))
    out = r.stdout.decode("utf-8", "replace")
    err = r.stderr.decode("utf-8", "replace")
    result = {"stdout": normalise(out, binary, folder), "stderr": normalise(err, binary, folder),
              "exit": "%d\n" % r.returncode}
    if folder:
        result["tree"] = tree(folder) if os.path.isdir(folder) else "(none)\n"
    return result


def compare(label, old, new):
    lines = []
    for part in ("exit", "stdout", "stderr", "tree"):
        if part not in old or old[part] == new[part]:
            continue
        d = list(difflib.unified_diff(old[part].splitlines(), new[part].splitlines(),
                                      "old " + part, "new " + part, lineterm="", n=1))
        lines.append("differ: %s (%s)" % (label, part))
        lines += ["    " + x for x in d[:EXCERPT_LINES]]
        if len(d) > EXCERPT_LINES:
            lines.append("    ... %d more diff lines" % (len(d) - EXCERPT_LINES))
    return lines


def main():
    ap = argparse.ArgumentParser(prog="same-results",
                                 description="run two builds of mumtool over every input and "
                                 "compare the outputs (see the header of this script)")
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--old", metavar="REV", help="the revision to build as OLD")
    g.add_argument("--old-bin", metavar="PATH", help="an OLD mumtool already built")
    ap.add_argument("--new-bin", metavar="PATH", help="the NEW mumtool (default _build/mumtool)")
    ap.add_argument("--realdata", metavar="DIR", help="default $MUM_REALDATA or ../shared/realdata")
    ap.add_argument("--keep", metavar="DIR", help="scratch folder to use and keep (OLD build, "
                    "extractions, outputs); default a temporary one, removed")
    ap.add_argument("--jobs", type=int, default=2, help="commands run at once (default 2)")
    ap.add_argument("--samples-only", action="store_true", help="samples/ and tests/fixtures/ only")
    ap.add_argument("--only", metavar="REGEX", help="only the commands whose label (as printed) "
                    "matches REGEX (for a quick look, and the self-test)")
    a = ap.parse_args()
    os.nice(5)

    if a.keep:
        os.makedirs(a.keep, exist_ok=True)
        scratch = os.path.abspath(a.keep)
    else:
        scratch = tempfile.mkdtemp(prefix="same-results.")
    try:
        return run(a, scratch)
    finally:
        if not a.keep:
            shutil.rmtree(scratch, ignore_errors=True)


def run(a, scratch):
    if a.old_bin:
        old_bin, old_name = os.path.abspath(a.old_bin), a.old_bin
    else:
        rev = a.old or default_old_rev()
        old_bin, commit = build_old(rev, scratch)
        old_name = "%s (%s)" % (rev, commit[:12])
    new_bin = new_binary(a.new_bin)
    for b in (old_bin, new_bin):
        if not os.access(b, os.X_OK):
            die("no mumtool at %s" % b)
    print("same-results: OLD %s = %s" % (old_name, old_bin))
    print("same-results: NEW %s" % new_bin, flush=True)

    real = None
    if not a.samples_only:
        real = a.realdata or os.environ.get("MUM_REALDATA") or os.path.join(TOP, "..", "shared",
                                                                             "realdata")
        if not os.path.isdir(real):
            print("same-results: SKIP realdata: %s is absent (set MUM_REALDATA or --realdata)"
                  % real)
            real = None
        else:
            real = os.path.normpath(real)

    containers = [rel(p) for p in walk(os.path.join(TOP, "samples"), CONTAINER)]
    containers += [rel(p) for p in walk(os.path.join(TOP, "tests", "fixtures"), CONTAINER)]
    catalogs = [rel(p) for p in walk(os.path.join(TOP, "samples"), (".cat",))]
    catalogs += [rel(p) for p in walk(os.path.join(TOP, "tests", "fixtures"), (".cat",))]
    manifests = [rel(p) for p in walk(os.path.join(TOP, "samples"), MANIFEST)]
    manifests += [rel(p) for p in walk(os.path.join(TOP, "tests", "fixtures"), MANIFEST)]
    packages = [c for c in containers if c.startswith("samples/kb943650")]
    if real:
        for sub in ("msu", "hyperv", "cab-edge"):
            found = walk(os.path.join(real, sub), CONTAINER)
            containers += found
            if sub != "cab-edge":
                packages += found
        if os.path.exists(os.path.join(real, "unsigned.cat")):
            catalogs.append(os.path.join(real, "unsigned.cat"))
        manifests += walk(os.path.join(real, "pa30", "dcm"), (".manifest",))

    cmds = []  # (label, args, extract folder name or None)
    for c in containers:
        cmds += [("verify --format json " + c, ["verify", "--format", "json", c], None),
                 ("ls " + c, ["ls", c], None),
                 ("ls --json " + c, ["ls", "--json", c], None),
                 ("info " + c, ["info", c], None),
                 ("info --json " + c, ["info", "--json", c], None)]
    trust = ["--trust", "samples/test-ca.pem", "--policy", "samples/kb943650.policy"]
    fams = family_dirs()
    for d, files in fams:
        cmds.append(("verify --format json %s/*.msu" % d, ["verify", "--format", "json"] + files,
                     None))
        cmds.append(("verify --format json --trust --policy %s/*.msu" % d,
                     ["verify", "--format", "json"] + trust + files, None))
    pairs = []
    fam = dict(fams)
    base, v2 = fam.get("samples/kb943650"), fam.get("samples/kb943650-v2")
    if base and v2:
        pairs += list(zip(base, v2))
        pairs.append((base, v2))
        by_arch = {re.search(r"-(\w+)\.msu$", f).group(1): f for f in base}
        pairs += [(by_arch["x86"], by_arch["x64"]), (by_arch["x64"], by_arch["ia64"])]
    for d, files in fams:
        if d.startswith("samples/broken/") and base:
            pairs.append((base, files))
    if real:
        for x86, x64 in (("msu/Windows8.1-KB2938772-x86.cab", "msu/Windows8.1-KB2938772-x64.cab"),
                         ("msu/Windows6.1-KB2465285-x86.msu", "msu/Windows6.1-KB2465285-x64.msu"),
                         ("hyperv/windows6.2-hypervintegrationservices-x86.cab",
                          "hyperv/windows6.2-hypervintegrationservices-x64.cab"),
                         ("hyperv/windows6.x-hypervintegrationservices-x86.cab",
                          "hyperv/windows6.x-hypervintegrationservices-x64.cab"),
                         ("hyperv/windows6.2-hypervintegrationservices-x64.cab",
                          "hyperv/windows6.x-hypervintegrationservices-x64.cab")):
            p, q = os.path.join(real, x86), os.path.join(real, x64)
            if os.path.exists(p) and os.path.exists(q):
                pairs.append((p, q))
    for o, n in pairs:
        if isinstance(o, list):
            cmds.append(("diff --format json %s -- %s" % (os.path.dirname(o[0]),
                                                          os.path.dirname(n[0])),
                         ["diff", "--format", "json"] + sum([["--old", x] for x in o], [])
                         + sum([["--new", x] for x in n], []), None))
        else:
            cmds.append(("diff --format json %s %s" % (o, n), ["diff", "--format", "json", o, n],
                         None))

    # Extraction: both builds, each into its own folder; compared, then the
    # NEW build's tree gives the catalogs, manifests and folders to read.
    ext = {}
    for i, c in enumerate(containers):
        name = "%03d-%s" % (i, os.path.basename(c))
        ext[c] = name
        cmds.append(("extract " + c, ["extract", c, "-C", "{DIR}"], name))

    only = re.compile(a.only) if a.only else None
    pick = lambda cs: [c for c in cs if not only or only.search(c[0])]  # noqa: E731
    results = execute(pick(cmds), old_bin, new_bin, scratch, a.jobs)

    seen = set()
    for p in catalogs + manifests:
        with open(os.path.join(TOP, p), "rb") as f:
            seen.add(hashlib.sha256(f.read()).hexdigest())
    more = []
    origin = {}  # extracted file -> "CONTAINER:path inside the extraction", its label
    for c in containers:
        folder = os.path.join(scratch, "new", ext[c])
        if not os.path.isdir(folder):
            continue
        if c in packages:
            more += [("verify --format json (extracted) " + c,
                      ["verify", "--format", "json", folder], None),
                     ("ls (extracted) " + c, ["ls", folder], None),
                     ("info (extracted) " + c, ["info", folder], None)]
        for p in walk(folder, (".cat",) + MANIFEST):
            with open(p, "rb") as f:
                h = hashlib.sha256(f.read()).hexdigest()
            if h in seen:
                continue
            seen.add(h)
            origin[p] = "%s:%s" % (c, os.path.relpath(p, folder))
            (catalogs if p.endswith(".cat") else manifests).append(p)
    for p in catalogs:
        more += [("cat --json " + origin.get(p, p), ["cat", "--json", p], None),
                 ("cat verify --json " + origin.get(p, p), ["cat", "verify", "--json", p], None)]
    for p in manifests:
        more.append(("show --json " + origin.get(p, p), ["show", "--json", p], None))
    results += execute(pick(more), old_bin, new_bin, scratch, a.jobs)

    differ = 0
    for label, old, new in results:
        lines = compare(label, old, new)
        if lines:
            differ += 1
            print("\n".join(lines), flush=True)
    n = len(results)
    print("same-results: %d commands, %d identical, %d differ" % (n, n - differ, differ))
    return 1 if differ else 0


def execute(cmds, old_bin, new_bin, scratch, jobs):
    def one(cmd):
        label, args, folder = cmd
        out = []
        for side, binary in (("old", old_bin), ("new", new_bin)):
            f = os.path.join(scratch, side, folder) if folder else None
            if f:
                shutil.rmtree(f, ignore_errors=True)
                os.makedirs(os.path.dirname(f), exist_ok=True)
            out.append(run_one(binary, args, f))
        return label, out[0], out[1]
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return list(pool.map(one, cmds))


if __name__ == "__main__":
    sys.exit(main())
