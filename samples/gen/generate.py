#!/usr/bin/env python3
"""Generates the mumtool samples: the KB943650 hotfix family (x86, x64, ia64
MSUs), its broken twins and its second revision.  `make samples` runs it.

    samples/gen/generate.py --out DIR --mumtool PATH

Deterministic: fixed timestamps (TZ=UTC), fixed keys (samples/keys, made
once by make-keys.sh), sorted member orders; the same tools give the same
bytes.  Tools used at generation time only: `mumtool cat create` (the
catalogs), gcab (the cabinets), osslsigncode (the cabinet signatures).
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLES = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(SAMPLES), "tools"))

import model  # noqa: E402
import pe  # noqa: E402
import xmlgen  # noqa: E402
from pseudokey import pseudokey  # noqa: E402

# 2008-07-15 18:03:00 UTC: the seed's date for the packages.
FIXED_TIME = 1216144980
KEYS = os.path.join(SAMPLES, "keys")


def keyform(name, arch, version):
    """The lower-case keyform of a component (tools/pseudokey.py computes the key)."""
    key = pseudokey({"name": name, "version": version, "processorArchitecture": arch,
                     "publicKeyToken": model.PKT, "versionScope": "nonSxS"})
    shown = name.lower()
    if len(shown) > 40:
        shown = shown[:19] + ".." + shown[-19:]
    return "%s_%s_%s_%s_none_%s" % (arch, shown, model.PKT, version, key)


def package_file(name, arch, version, ext):
    # The seed article writes the KB in lower case in the file names.
    return "%s~%s~%s~~%s%s" % (name.replace("_KB", "_kb"), model.PKT, arch, version, ext)


def run(cmd, cwd=None, stdin=None):
    env = dict(os.environ, TZ="UTC", LC_ALL="C")
    r = subprocess.run(cmd, cwd=cwd, env=env, input=stdin, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    if r.returncode != 0:
        sys.exit("generate: %s failed (%d):\n%s%s" % (" ".join(cmd), r.returncode,
                                                      r.stdout.decode(errors="replace"),
                                                      r.stderr.decode(errors="replace")))
    return r.stdout


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def fix_times(root, times=None):
    """Every file's time FIXED_TIME, but those `times` gives (relative path ->
    seconds): the payloads, .mum and .manifest files get the article's
    dates and times, so that `verify --expect-dates` finds them in the
    cabinets."""
    for dirpath, dirnames, filenames in os.walk(root):
        for n in filenames + dirnames:
            path = os.path.join(dirpath, n)
            t = (times or {}).get(os.path.relpath(path, root), FIXED_TIME)
            os.utime(path, (t, t))


class Builder:
    def __init__(self, mumtool, work):
        self.mumtool = mumtool
        self.work = work
        self.sizes = model.ArticleSizes(model.article_rows())
        self.times = {}  # staged payload path -> the article's time

    # ---- payloads and manifests ------------------------------------------------

    def payload(self, fam, comp, fname, desc, pe_arch):
        """A payload of the article's size for its platform (and part)."""
        salt = comp.payload_salt if comp.salted_files is None or fname in comp.salted_files else b""
        size = self.sizes.file(fam.arch, comp.arch, fname)
        if size is not None:
            size += comp.size_delta.get(fname, 0)
        if pe_arch:
            return pe.make_pe(pe_arch, fname, comp.version, desc, salt, size)
        if fname.lower().endswith(".mof"):
            return xmlgen.pad_text(xmlgen.mof_text(comp.arch, salt), size)
        return xmlgen.pad_text(xmlgen.tmf_text(comp.arch, salt), size)

    def stamp(self, rel, when):
        """The staged file `rel` gets the article's time `when` (None: FIXED_TIME)."""
        if when is not None:
            self.times[rel] = when

    def stage(self, fam, stage):
        """Writes one platform's cabinet contents; returns the catalog plan:
        catalog file name -> (sorted member paths, package name)."""
        manifests = {}  # (lower-case name, arch) -> (manifest file, payload paths, component)
        for comp in fam.components:
            kf = keyform(comp.name, comp.arch, comp.version)
            payloads = {f: self.payload(fam, comp, f, d, a) for f, d, a in comp.files}
            paths = []
            for fname in sorted(payloads):
                rel = "%s/%s" % (kf, fname.lower())
                data = payloads[fname]
                if fam.tamper_component == (comp.name, comp.arch, fname.lower()):
                    data = data[:-1] + bytes([data[-1] ^ 0xFF])  # after the digest was taken
                write(os.path.join(stage, rel), data)
                paths.append(rel)
                self.stamp(rel, self.sizes.file_time(fam.arch, comp.arch, fname))
            mname = comp.file_name or kf + ".manifest"
            write(os.path.join(stage, mname),
                  xmlgen.fit_xml(xmlgen.manifest(comp, payloads), self.sizes.additional(fam.arch, mname)))
            self.stamp(mname, self.sizes.additional_time(fam.arch, mname))
            manifests[(comp.name.lower(), comp.arch)] = (mname, paths, comp)
        skip = set()
        if fam.skip_manifest:
            name, arch = fam.skip_manifest
            skip.add(manifests[(name.lower(), arch)][0])

        plan = {}
        for pkg in fam.packages:
            mum_name = package_file(pkg.name, pkg.arch, pkg.version, ".mum")
            write(os.path.join(stage, mum_name),
                  xmlgen.fit_xml(xmlgen.mum(pkg, fam), self.sizes.additional(fam.arch, mum_name)))
            self.stamp(mum_name, self.sizes.additional_time(fam.arch, mum_name))
            members = [mum_name]
            todo = [(name.lower(), arch) for _u, kind, name, arch, _v, _a in pkg.updates
                    if kind == "component"]
            seen = set()
            while todo:
                key = todo.pop(0)
                if key in seen or key not in manifests:
                    continue
                seen.add(key)
                mname, paths, comp = manifests[key]
                members += [mname] + paths
                todo += [(n.lower(), a) for n, a, _ in comp.deps]
            if pkg.name == fam.orphan_catalog:
                for comp in fam.orphans:
                    mname, paths, _ = manifests[(comp.name.lower(), comp.arch)]
                    members += [mname] + paths
            cat_name = package_file(pkg.name, pkg.arch, pkg.version, ".cat")
            plan[cat_name] = (sorted(set(members) - skip), pkg.name)
        return plan

    # ---- catalogs and cabinets -------------------------------------------------

    def catalog(self, stage, cat_name, members, signer):
        """`mumtool cat create`: v1 members (SHA-1, as Vista-era catalogs),
        payloads with the Hint attribute real catalogs carry (keyform\\file)."""
        cmd = [self.mumtool, "cat", "create", "--v1", "--time", "2008-07-15T18:03:00Z",
               "--attr", "OSAttr=2:6.0", "--force", "-o", cat_name, "--list", "-"]
        if signer:
            cmd += ["--key", os.path.join(KEYS, signer + ".key"),
                    "--cert", os.path.join(KEYS, signer + ".pem"),
                    "--chain", os.path.join(KEYS, ("rogue-ca" if signer.startswith("rogue") else "test-ca") + ".pem")]
        lines = []
        for m in members:
            if "/" in m:
                lines.append("%s\tHint=%s" % (m, m.replace("/", "\\")))
            else:
                lines.append(m)
        run(cmd, cwd=stage, stdin=("\n".join(lines) + "\n").encode())

    def cab(self, out, root, names, times=None):
        fix_times(root, times)
        run(["gcab", "-c", "-z", out] + names, cwd=root)

    def sign(self, path, signer):
        tmp = path + ".signed"
        run(["osslsigncode", "sign", "-certs", os.path.join(KEYS, signer + ".pem"),
             "-key", os.path.join(KEYS, signer + ".key"), "-ac", os.path.join(KEYS, "test-ca.pem"),
             "-h", "sha256", "-time", str(FIXED_TIME), "-n", "KB%s" % model.KB,
             "-in", path, "-out", tmp])
        os.replace(tmp, path)

    def msu(self, fam, outdir):
        arch = fam.arch
        base = "Windows6.0-KB%s-%s" % (model.KB, model.MSU_ARCH[arch])
        stage = os.path.join(self.work, base)
        shutil.rmtree(stage, ignore_errors=True)
        self.times = {}
        plan = self.stage(fam, stage)
        for cat_name, (members, pkg_name) in sorted(plan.items()):
            if pkg_name in fam.no_catalog:
                continue
            signer = None if pkg_name in fam.unsigned else \
                "rogue-signer" if pkg_name in fam.rogue else "signer"
            self.catalog(stage, cat_name, members, signer)
        names = sorted(os.path.relpath(os.path.join(d, f), stage)
                       for d, _, fs in os.walk(stage) for f in fs)

        outer = os.path.join(self.work, base + ".outer")
        shutil.rmtree(outer, ignore_errors=True)
        os.makedirs(outer)
        inner_cab = os.path.join(outer, base + ".cab")
        self.cab(inner_cab, stage, names, self.times)
        self.sign(inner_cab, "signer")
        top = [p for p in fam.packages if p.visible][0].name
        write(os.path.join(outer, base + "-pkgProperties.txt"), xmlgen.pkg_properties(arch, model.MSU_ARCH[arch]))
        write(os.path.join(outer, base + ".xml"), xmlgen.unattend(top, arch, base + ".cab"))
        scan = os.path.join(self.work, "wsusscan-" + arch)
        shutil.rmtree(scan, ignore_errors=True)
        write(os.path.join(scan, "package.xml"), xmlgen.wsus_scan(fam, top))
        self.cab(os.path.join(outer, "WSUSSCAN.cab"), scan, ["package.xml"])
        os.makedirs(outdir, exist_ok=True)
        msu = os.path.join(outdir, base + ".msu")
        self.cab(msu, outer, ["WSUSSCAN.cab", base + ".cab", base + "-pkgProperties.txt", base + ".xml"])
        self.sign(msu, "signer")
        return msu


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, help="the samples folder to write")
    ap.add_argument("--mumtool", required=True, help="the mumtool program")
    args = ap.parse_args()
    args.out = os.path.abspath(args.out)
    import variants  # noqa: E402
    # what this generator owns under --out; nothing else there is touched
    for folder in ["kb943650", "kb943650-v2", "broken"]:
        shutil.rmtree(os.path.join(args.out, folder), ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix="mum-samples.") as work:
        b = Builder(os.path.abspath(args.mumtool), work)
        for folder, families in variants.all_variants():
            for arch in model.PLATFORMS:
                b.msu(families[arch], os.path.join(args.out, folder))
    shutil.copyfile(os.path.join(KEYS, "test-ca.pem"), os.path.join(args.out, "test-ca.pem"))


if __name__ == "__main__":
    main()
