Usage errors exit 2 and say how to get help.

  $ mumtool >/dev/null 2>&1
  [2]

  $ mumtool 2>&1 | head -n 1
  Usage: mumtool COMMAND [OPTION]... [ARG]...

  $ mumtool frob 2>&1
  mumtool: unknown command 'frob'
  Try 'mumtool --help'.
  [2]

  $ mumtool --version | sed "s/[0-9][0-9.]*/X/g"
  mumtool X (libmum X)

  $ mumtool help name | head -n 1
  Usage: mumtool name parse [--json] NAME...

  $ mumtool name frob 2>&1
  mumtool: name: unknown subcommand 'frob'
  Try 'mumtool name --help'.
  [2]

  $ mumtool name parse 2>&1
  mumtool: name parse: no NAME given
  Try 'mumtool name --help'.
  [2]

  $ mumtool name parse --bogus x 2>&1
  mumtool: name parse: unknown option '--bogus'
  Try 'mumtool name --help'.
  [2]

  $ mumtool name parse --package x 2>&1
  mumtool: name parse: --no-version and --package go with 'key'
  Try 'mumtool name --help'.
  [2]

  $ mumtool rules extra 2>&1
  mumtool: rules: unexpected argument 'extra'
  Try 'mumtool rules --help'.
  [2]

Every command has --help, exit 0.

  $ for c in name rules; do mumtool $c --help >/dev/null || echo "$c failed"; done
