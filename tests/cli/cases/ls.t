mumtool ls: the entries of cabinets, nested cabinets by their '!' path.
The inputs are tests/fixtures/containers/ (made by make-fixtures.py);
every hash below was checked with sha256sum on the files cabextract
extracts, and every name and size against the generator.

A cabinet in a cabinet in a cabinet, and a "fake.cab" that is not one:

  $ cd "$SRCDIR/tests/fixtures/containers" && mumtool ls nested.cab
             5  note.txt
           179  inner.cab
             2  inner.cab!a.txt
            76  inner.cab!deeper.cab
             2  inner.cab!deeper.cab!b.txt
            35  fake.cab
             5  last.txt

Without descending, nested cabinets are files:

  $ cd "$SRCDIR/tests/fixtures/containers" && mumtool ls --no-descend nested.cab
             5  note.txt
           179  inner.cab
            35  fake.cab
             5  last.txt

SHA-256 of every entry:

  $ cd "$SRCDIR/tests/fixtures/containers" && mumtool ls --hash plain.cab
            16  dac72f86ce90c9edf4de694f2fe303005f0dd34aac66d39fa9c562db5e4843ba  hello.txt
            19  088f2d21fa1a6e63f43187a6b92ed424a98eb4139010cf4718a32189fca90e6b  dir/sub.txt

Nested cabinets have their own hash; past eight levels a cabinet is
listed, not opened (an info finding):

  $ cd "$SRCDIR/tests/fixtures/containers" && mumtool ls --hash deep.cab
           794  210073693715ac0e0eecb00bed54a62068bb43e9013abaf3828f0a2895f61072  level1.cab
           715  eddb10c5dd51acb17c81c50d6de37293ba3b30fb637ecfbc034600bc91ecd22b  level1.cab!level2.cab
           636  6e51523f637fd679d56b8d75edadf14866630f2d3bc3bdd173e56a6f769e0736  level1.cab!level2.cab!level3.cab
           557  dc8bae177306b00f6fb02c03093ab2fdc01c5ac836bbadb065f4d623cb651a97  level1.cab!level2.cab!level3.cab!level4.cab
           478  d40e03ef75cc7091a4ea2322a2b349dee9c7a9e6c7cc90c7eb2503ae80ee57be  level1.cab!level2.cab!level3.cab!level4.cab!level5.cab
           399  90ad1c9a9bce27c5740b404b2916516d7a7dadae4654037cf6a25da0284025bb  level1.cab!level2.cab!level3.cab!level4.cab!level5.cab!level6.cab
           320  bd593ff21ea9feb41a3f1f81f0be3e3cda9b4c30a273d5c1587a0f072ce00f4c  level1.cab!level2.cab!level3.cab!level4.cab!level5.cab!level6.cab!level7.cab
           241  5cfd361f43c949f40c0a2420009037195c108438e37b35563b3b92b661170099  level1.cab!level2.cab!level3.cab!level4.cab!level5.cab!level6.cab!level7.cab!level8.cab
           162  dd6c8a427073478bd90eb887c238bfae3f9a7c28daf989c65d5165ce322da6af  level1.cab!level2.cab!level3.cab!level4.cab!level5.cab!level6.cab!level7.cab!level8.cab!level9.cab
  deep.cab!level1.cab!level2.cab!level3.cab!level4.cab!level5.cab!level6.cab!level7.cab!level8.cab!level9.cab: info: a cabinet nested 9 deep is not opened (limit 8) [container.too-deep]

JSON: the same tree, with the stored times:

  $ cd "$SRCDIR/tests/fixtures/containers" && mumtool ls --json plain.cab
  {
    "input": "plain.cab",
    "kind": "cabinet",
    "entries": [
      {
        "path": "hello.txt",
        "name": "hello.txt",
        "kind": "file",
        "depth": 1,
        "size": 16,
        "mtime": "2020-01-02T03:04:04"
      },
      {
        "path": "dir/sub.txt",
        "name": "dir/sub.txt",
        "kind": "file",
        "depth": 1,
        "size": 19,
        "mtime": "2020-01-02T03:04:04"
      }
    ],
    "entryCount": 2,
    "findings": []
  }

Names that would escape a folder, that clash without case, or repeat,
are findings (exit 1); a control character is shown escaped:

  $ cd "$SRCDIR/tests/fixtures/containers" && mumtool ls names.cab > "$OLDPWD/out"; rc=$?; cat -v "$OLDPWD/out"; exit $rc
             5  ../evil.txt
             4  /absolute.txt
             6  C:/drive.txt
             3  ok/../../up.txt
             6  ok/inner.txt
             4  Case.txt
             4  case.TXT
             6  dup.txt
             7  dup.txt
             8  ctl\x01.txt
            11  cafM-CM-).txt
  names.cab!../evil.txt: warning: the name has a '..' component [container.unsafe-name]
  names.cab!/absolute.txt: warning: the name has an absolute path [container.unsafe-name]
  names.cab!C:/drive.txt: warning: the name has a drive letter [container.unsafe-name]
  names.cab!ok/../../up.txt: warning: the name has a '..' component [container.unsafe-name]
  names.cab!case.TXT: error: 'Case.txt' and 'case.TXT' differ only in case; Windows sees one file [container.case-duplicate]
  names.cab!dup.txt: error: the name 'dup.txt' appears more than once [container.duplicate-name]
  names.cab!ctl^A.txt: warning: the name has a control character [container.unsafe-name]
  [1]

Bytes between the folder and file tables hide files from other readers:

  $ cd "$SRCDIR/tests/fixtures/containers" && mumtool ls gap.cab
            16  hello.txt
            19  dir/sub.txt
  gap.cab: warning: 40 bytes lie between the folder table (ends at 44) and the file table (at 84); readers that ignore the file table's offset list other files [container.header-gap]
  [1]

A CFDATA checksum failure stops the listing with one line and exit 3:

  $ cd "$SRCDIR/tests/fixtures/containers" && mumtool ls --hash badsum.cab 2>&1
            16  dac72f86ce90c9edf4de694f2fe303005f0dd34aac66d39fa9c562db5e4843ba  hello.txt
  mumtool: badsum.cab!dir/sub.txt: CFDATA checksum mismatch, the data is corrupt (Checksum error CFDATA[0] 2f06270e:2f06270f in 35 bytes) (the cabinet read up to offset 141)
  [3]

A nested cabinet its entry cuts short, inside its signature or inside its
data, while the outer cabinet is whole: what was read, then the nested
cabinet and the offset in it where its bytes end, exit 3:

  $ cd "$SRCDIR/tests/fixtures/containers" && mumtool ls nestcut.cab 2>&1
             5  note.txt
           209  sigcut.cab
            16  sigcut.cab!hello.txt
            19  sigcut.cab!dir/sub.txt
  mumtool: nestcut.cab!sigcut.cab: at offset 209: truncated: the entry ends at 209 inside the cabinet's signature, which should end at 229
  [3]

  $ cd "$SRCDIR/tests/fixtures/containers" && mumtool ls nestcut-data.cab 2>&1
             5  note.txt
          7316  datacut.cab
         10240  datacut.cab!big.bin
  mumtool: nestcut-data.cab!datacut.cab: at offset 7316: truncated: the entry ends at 7316 but the cabinet's header gives it 10316 bytes
  [3]

Usage and missing inputs:

  $ mumtool ls nothing-here.cab 2>&1
  mumtool: nothing-here.cab: cannot open: No such file or directory
  [3]

  $ mumtool ls 2>&1
  mumtool: ls: no INPUT given
  Try 'mumtool ls --help'.
  [2]

  $ mumtool ls a.cab b.cab 2>&1
  mumtool: ls: more than one INPUT
  Try 'mumtool ls --help'.
  [2]

A folder is an input too: walked in sorted order, its cabinets opened,
a symbolic link skipped (an info finding):

  $ mkdir -p pkg/sub && cp "$SRCDIR/tests/fixtures/containers/plain.cab" pkg/sub/payload.cab && printf "x" > pkg/a.txt && ln -s /etc/passwd pkg/link && mumtool ls pkg
             1  a.txt
           141  sub/payload.cab
            16  sub/payload.cab!hello.txt
            19  sub/payload.cab!dir/sub.txt
  pkg!link: info: a symbolic link skipped [container.not-regular]

