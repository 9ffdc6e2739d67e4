#!/usr/bin/env python3
"""An independent rendering of the pseudo-key algorithm of DOMAIN.md section 2.

Used to derive expected values for tests/unit/test_names.c that the seed
articles do not give (a second implementation, not mumtool's own output).

    tools/pseudokey.py name=Microsoft-Windows-TCPIP-Binaries version=6.0.6001.22222 \
        processorArchitecture=x86 publicKeyToken=31bf3856ad364e35 versionScope=nonSxS
    tools/pseudokey.py --no-version name=... ...
"""
import sys

P = 0x1FFFFFFF7
M = 1 << 64
ORDER = ["name", "culture", "type", "version", "publicKeyToken",
         "processorArchitecture", "versionScope"]
ALIASES = {"language": "culture"}


def strhash(s):
    lanes = [0, 0, 0, 0]
    data = s.lower().encode("utf-16-le")
    for i in range(0, len(data), 2):
        unit = int.from_bytes(data[i:i + 2], "little")
        k = (i // 2) % 4
        lanes[k] = (lanes[k] * 0x1003F + unit) % (1 << 32)
    return (lanes[0] * P**3 + lanes[1] * P**2 + lanes[2] * P + lanes[3]) % M


def pseudokey(attrs, no_version=False):
    key = 0
    for attr in ORDER:
        value = attrs.get(attr)
        if value is None or value.lower() in ("none", "neutral", ""):
            continue
        if no_version and attr == "version":
            continue
        key = (key * P + strhash(value) + P * strhash(attr)) % M
    return "%016x" % key


def main(argv):
    no_version = "--no-version" in argv
    attrs = {}
    for arg in argv:
        if arg.startswith("--"):
            continue
        k, _, v = arg.partition("=")
        attrs[ALIASES.get(k, k)] = v
    print(pseudokey(attrs, no_version))


if __name__ == "__main__":
    main(sys.argv[1:])
