mumtool extract: entries written into a folder, nested cabinets under a
folder named after them, never outside the folder, never over a file
without --force.  Inputs: tests/fixtures/containers/ (make-fixtures.py);
the contents below are what the generator wrote.

Everything, nested included; times are the cabinet's:

  $ C="$SRCDIR/tests/fixtures/containers"; mumtool extract "$C/nested.cab" -C out && find out | sort && cat out/inner.cab/deeper.cab/b.txt && date -u -r out/note.txt +%FT%T
  out
  out/fake.cab
  out/inner.cab
  out/inner.cab/a.txt
  out/inner.cab/deeper.cab
  out/inner.cab/deeper.cab/b.txt
  out/last.txt
  out/note.txt
  b
  2020-01-02T03:04:04

Existing files are not overwritten (exit 3): extract stops at the first,
or with --keep-going names each and goes on; --force replaces them:

  $ C="$SRCDIR/tests/fixtures/containers"; mumtool extract "$C/plain.cab" -C out && mumtool extract "$C/plain.cab" -C out 2>&1
  mumtool: out/hello.txt: exists (use --force to overwrite)
  [3]

  $ C="$SRCDIR/tests/fixtures/containers"; mumtool extract "$C/plain.cab" -C out && mumtool extract --keep-going "$C/plain.cab" -C out 2>&1
  mumtool: out/hello.txt: exists (use --force to overwrite)
  mumtool: out/dir/sub.txt: exists (use --force to overwrite)
  [3]

  $ C="$SRCDIR/tests/fixtures/containers"; mumtool extract "$C/plain.cab" -C out && echo changed > out/hello.txt && mumtool extract --force "$C/plain.cab" -C out && cat out/hello.txt
  Hello, cabinet.

Patterns select by nested path, without case; a cabinet selects its entries;
a pattern that matches nothing is a warning (exit 1):

  $ C="$SRCDIR/tests/fixtures/containers"; mumtool extract "$C/nested.cab" -C out '*B.TXT' 'note*' && find out -type f | sort
  out/inner.cab/deeper.cab/b.txt
  out/note.txt

  $ C="$SRCDIR/tests/fixtures/containers"; mumtool extract "$C/nested.cab" -C out inner.cab 'nothing*' 2>&1; echo "exit $?"; find out -type f | sort
  mumtool: warning: pattern 'nothing*' matched no entry
  exit 1
  out/inner.cab/a.txt
  out/inner.cab/deeper.cab/b.txt

Without descending, a nested cabinet is written as it is stored:

  $ C="$SRCDIR/tests/fixtures/containers"; mumtool extract --no-descend "$C/nested.cab" -C out inner.cab && mumtool ls out/inner.cab
             2  a.txt
            76  deeper.cab
             2  deeper.cab!b.txt

Hostile names: '..' is refused, an absolute path or a drive letter stays
inside, backslashes are folders; nothing appears beside the folder.  The
findings go to standard error with the refusals.  A refused name is a
finding and extraction goes on; the duplicate's second copy cannot be
written (it exists), which --keep-going goes past:

  $ mkdir box && cd "$SRCDIR/tests/fixtures/containers" && mumtool extract -k names.cab -C "$OLDPWD/box/out" > "$OLDPWD/log" 2>&1; echo "exit $?"; cd "$OLDPWD" && sed "s|$PWD/||" log | cat -v && find box | sort | cat -v
  exit 3
  mumtool: ../evil.txt: refused: the name has a '..' component
  mumtool: ok/../../up.txt: refused: the name has a '..' component
  mumtool: box/out/dup.txt: exists (use --force to overwrite)
  names.cab!../evil.txt: warning: the name has a '..' component [container.unsafe-name]
  names.cab!/absolute.txt: warning: the name has an absolute path [container.unsafe-name]
  names.cab!C:/drive.txt: warning: the name has a drive letter [container.unsafe-name]
  names.cab!ok/../../up.txt: warning: the name has a '..' component [container.unsafe-name]
  names.cab!case.TXT: error: 'Case.txt' and 'case.TXT' differ only in case; Windows sees one file [container.case-duplicate]
  names.cab!dup.txt: error: the name 'dup.txt' appears more than once [container.duplicate-name]
  names.cab!ctl^A.txt: warning: the name has a control character [container.unsafe-name]
  box
  box/out
  box/out/Case.txt
  box/out/absolute.txt
  box/out/cafM-CM-).txt
  box/out/case.TXT
  box/out/ctl^A.txt
  box/out/drive.txt
  box/out/dup.txt
  box/out/ok
  box/out/ok/inner.txt

A symbolic link in the folder is not followed (with --keep-going, every
entry under it is named and the others are written):

  $ mkdir out elsewhere && ln -s ../elsewhere out/inner.cab && C="$SRCDIR/tests/fixtures/containers"; mumtool extract --keep-going "$C/nested.cab" -C out 2>&1; echo "exit $?"; find elsewhere out | sort
  mumtool: out/inner.cab/a.txt: cannot use 'inner.cab' as a folder: it is a symbolic link, which is not followed
  mumtool: out/inner.cab/deeper.cab/b.txt: cannot use 'inner.cab' as a folder: it is a symbolic link, which is not followed
  exit 3
  elsewhere
  out
  out/fake.cab
  out/inner.cab
  out/last.txt
  out/note.txt

Usage:

  $ mumtool extract x.cab 2>&1
  mumtool: extract: no folder given (-C DIR)
  Try 'mumtool extract --help'.
  [2]

  $ mumtool extract -C out 2>&1
  mumtool: extract: no INPUT given
  Try 'mumtool extract --help'.
  [2]

  $ mumtool extract x.cab -C 2>&1
  mumtool: extract: -C needs a folder
  Try 'mumtool extract --help'.
  [2]

