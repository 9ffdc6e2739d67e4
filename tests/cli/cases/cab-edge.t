#requires: realdata
mumtool ls on every cabinet of ../shared/realdata/cab-edge (libmspack's
hostile and unusual test cabinets): a listing, or one line naming the file,
the offset and what is wrong, with exit 3.  Listings were compared by hand
with `cabextract -l` (where it lists the file) and with the bytes of the
header; tests/cli/cab-edge.sh also runs ls --hash, info and extract on each
file under a time bound.  Where mumtool and cabextract differ:
- hidden-files.cab: its header's file table offset points past two entries
  that follow the folder table; mumtool follows the offset (as libarchive and
  the format do) and reports the gap (container.header-gap); cabextract lists
  the two entries it skips.
- cve-2017-11423: a 256-byte name, one more than the format allows; cabextract
  refuses the file too.
- filename-read-violation-2..4, cve-2014-9556 and cve-2014-9732: cabextract
  lists entries of broken tables (folder data past the end of the file, a
  4 GiB file, an unknown compression type); mumtool names the broken field.
- multi_basic_pt1..5, partial_str_nofname, partial_str_shortfname: parts of
  multi-cabinet sets, which cabextract follows and mumtool does not support.
- search_basic.cab and search_tricky1.cab: cabinets after other bytes, which
  cabextract searches for; mumtool reads a cabinet that starts the file.
- Files that list but whose data is broken (cve-2010-2800, cve-2015-4470,
  the lzx-* files, partial_nodata, the Quantum folders) end ls --hash with
  one line and exit 3.
- reserve_*.cab store their data in blocks of a few bytes, which MS-CAB
  allows and libarchive does not take before a folder's last block: the
  walk regroups them (src/lib/cab_reblock.c) and their files read whole,
  the bytes cabextract extracts, whatever reserves they carry.
- cve-2015-4470 ends 8 bytes before its header's cbCabinet: even plain ls
  lists what it read, then says where the file is cut (exit 3).

  $ cd "$REALDATA/cab-edge" && mumtool ls bad_folderindex.cab 2>&1
  mumtool: bad_folderindex.cab: at offset 76: file 'welcome.c' is in folder 1, but the cabinet has 1
  [3]

  $ cd "$REALDATA/cab-edge" && mumtool ls bad_nofiles.cab 2>&1
  mumtool: bad_nofiles.cab: at offset 28: the cabinet header lists no files
  [3]

  $ cd "$REALDATA/cab-edge" && mumtool ls bad_nofolders.cab 2>&1
  mumtool: bad_nofolders.cab: at offset 26: the cabinet header lists no folders
  [3]

  $ cd "$REALDATA/cab-edge" && mumtool ls bad_signature.cab 2>&1
  mumtool: bad_signature.cab: at offset 0: not a cabinet, an .msu or a folder (no "MSCF" signature)
  [3]

  $ cd "$REALDATA/cab-edge" && mumtool ls cve-2010-2800-mszip-infinite-loop.cab 2>&1
            16  file.txt

  $ cd "$REALDATA/cab-edge" && mumtool ls cve-2014-9556-qtm-infinite-loop.cab 2>&1
  mumtool: cve-2014-9556-qtm-infinite-loop.cab: at offset 44: file 'limerick' claims 4294967231 bytes at offset 255 of its folder, beyond the 2 GiB a folder holds
  [3]

  $ cd "$REALDATA/cab-edge" && mumtool ls cve-2014-9732-folders-segfault.cab 2>&1
  mumtool: cve-2014-9732-folders-segfault.cab: at offset 50: folder 1 has an unknown compression type 15
  [3]

  $ cd "$REALDATA/cab-edge" && mumtool ls cve-2015-4470-mszip-over-read.cab 2>&1
           191  limerick
  mumtool: cve-2015-4470-mszip-over-read.cab: at offset 212: truncated: the file ends at 212 but the cabinet's header gives it 220 bytes
  [3]

  $ cd "$REALDATA/cab-edge" && mumtool ls cve-2015-4471-lzx-under-read.cab 2>&1
  mumtool: cve-2015-4471-lzx-under-read.cab: at offset 66: folder 0's data starts at offset 126, inside the cabinet's tables
  [3]

  $ cd "$REALDATA/cab-edge" && mumtool ls cve-2017-11423-fname-overread.cab 2>&1
  mumtool: cve-2017-11423-fname-overread.cab: at offset 60: file 1's name is longer than 255 bytes
  [3]

  $ cd "$REALDATA/cab-edge" && mumtool ls cve-2018-18584-qtm-max-size-block.cab 2>&1
         32768  test1.bin

  $ cd "$REALDATA/cab-edge" && mumtool ls filename-read-violation-1.cab 2>&1
  mumtool: filename-read-violation-1.cab: at offset 60: file 1 has an empty name
  [3]

  $ cd "$REALDATA/cab-edge" && mumtool ls filename-read-violation-2.cab 2>&1
  mumtool: filename-read-violation-2.cab: at offset 36: folder 0's data starts at offset 4587520, past the end of the cabinet (78 bytes)
  [3]

  $ cd "$REALDATA/cab-edge" && mumtool ls filename-read-violation-3.cab 2>&1
  mumtool: filename-read-violation-3.cab: at offset 36: folder 0's data starts at offset 16777473, past the end of the cabinet (84 bytes)
  [3]

  $ cd "$REALDATA/cab-edge" && mumtool ls filename-read-violation-4.cab 2>&1
  mumtool: filename-read-violation-4.cab: at offset 36: folder 0's data starts at offset 128, past the end of the cabinet (84 bytes)
  [3]

  $ cd "$REALDATA/cab-edge" && mumtool ls hidden-file-bad-folderid.cab 2>&1
  mumtool: hidden-file-bad-folderid.cab: at offset 36: folder 0's data starts at offset 0, inside the cabinet's tables
  [3]

  $ cd "$REALDATA/cab-edge" && mumtool ls hidden-file-beyond-eof.cab 2>&1
  mumtool: hidden-file-beyond-eof.cab: at offset 36: folder 0's data starts at offset 0, inside the cabinet's tables
  [3]

  $ cd "$REALDATA/cab-edge" && mumtool ls hidden-files.cab 2>&1
             0  hidden1.txt
             0  hidden2.txt
  hidden-files.cab: warning: 56 bytes lie between the folder table (ends at 44) and the file table (at 100); readers that ignore the file table's offset list other files [container.header-gap]
  [1]

  $ cd "$REALDATA/cab-edge" && mumtool ls lzx-main-tree-no-lengths.cab 2>&1
            16  file.txt

  $ cd "$REALDATA/cab-edge" && mumtool ls lzx-premature-matches.cab 2>&1
             2  file.txt

  $ cd "$REALDATA/cab-edge" && mumtool ls mszip_lzx_qtm.cab 2>&1
            57  mszip.txt
           187  lzx.txt
            59  qtm.txt

  $ cd "$REALDATA/cab-edge" && mumtool ls multi_basic_pt1.cab 2>&1
  mumtool: multi_basic_pt1.cab: cabinet 1 of a multi-cabinet set (previous '', next 'cabd_multi_basic_pt2.cab'): sets spanning several files are not supported
  [3]

  $ cd "$REALDATA/cab-edge" && mumtool ls multi_basic_pt2.cab 2>&1
  mumtool: multi_basic_pt2.cab: cabinet 2 of a multi-cabinet set (previous 'cabd_multi_basic_pt1.cab', next 'cabd_multi_basic_pt3.cab'): sets spanning several files are not supported
  [3]

  $ cd "$REALDATA/cab-edge" && mumtool ls multi_basic_pt3.cab 2>&1
  mumtool: multi_basic_pt3.cab: cabinet 3 of a multi-cabinet set (previous 'cabd_multi_basic_pt2.cab', next 'cabd_multi_basic_pt4.cab'): sets spanning several files are not supported
  [3]

  $ cd "$REALDATA/cab-edge" && mumtool ls multi_basic_pt4.cab 2>&1
  mumtool: multi_basic_pt4.cab: cabinet 4 of a multi-cabinet set (previous 'cabd_multi_basic_pt3.cab', next 'cabd_multi_basic_pt5.cab'): sets spanning several files are not supported
  [3]

  $ cd "$REALDATA/cab-edge" && mumtool ls multi_basic_pt5.cab 2>&1
  mumtool: multi_basic_pt5.cab: cabinet 5 of a multi-cabinet set (previous 'cabd_multi_basic_pt4.cab', next ''): sets spanning several files are not supported
  [3]

  $ cd "$REALDATA/cab-edge" && mumtool ls normal_255c_filename.cab 2>&1
             7  HelloHelloHelloHelloHelloHelloHelloHelloHelloHelloHelloHelloHelloHelloHelloHelloHelloHelloHelloHelloHelloHelloHelloHelloHelloHelloHelloHelloHelloHelloHelloHelloHelloHelloHelloHelloHelloHelloHelloHelloHelloHelloHelloHelloHelloHelloHelloHelloHelloHello!.txt

  $ cd "$REALDATA/cab-edge" && mumtool ls normal_2files_1folder.cab 2>&1
            77  hello.c
            74  welcome.c

  $ cd "$REALDATA/cab-edge" && mumtool ls normal_2files_2folders.cab 2>&1
            31  mszip1.txt
            36  mszip2.txt
            23  lzx1.txt
            28  lzx2.txt

  $ cd "$REALDATA/cab-edge" && mumtool ls partial_nodata.cab 2>&1
  mumtool: partial_nodata.cab: at offset 36: folder 0's data starts at offset 94, past the end of the cabinet (94 bytes)
  [3]

  $ cd "$REALDATA/cab-edge" && mumtool ls partial_nofiles.cab 2>&1
  mumtool: partial_nofiles.cab: at offset 44: the file table is truncated: file 1 of 2 starts at offset 44, the cabinet has 44 bytes
  [3]

  $ cd "$REALDATA/cab-edge" && mumtool ls partial_nofolder.cab 2>&1
  mumtool: partial_nofolder.cab: at offset 36: the folder table is truncated
  [3]

  $ cd "$REALDATA/cab-edge" && mumtool ls partial_shortextheader.cab 2>&1
  mumtool: partial_shortextheader.cab: at offset 38: cabinet header: truncated in the reserve sizes
  [3]

  $ cd "$REALDATA/cab-edge" && mumtool ls partial_shortfile1.cab 2>&1
  mumtool: partial_shortfile1.cab: at offset 44: the file table is truncated: file 1 of 2 starts at offset 44, the cabinet has 59 bytes
  [3]

  $ cd "$REALDATA/cab-edge" && mumtool ls partial_shortfile2.cab 2>&1
  mumtool: partial_shortfile2.cab: at offset 68: the file table is truncated: file 2 of 2 starts at offset 68, the cabinet has 83 bytes
  [3]

  $ cd "$REALDATA/cab-edge" && mumtool ls partial_shortfolder.cab 2>&1
  mumtool: partial_shortfolder.cab: at offset 43: the folder table is truncated
  [3]

  $ cd "$REALDATA/cab-edge" && mumtool ls partial_shortheader.cab 2>&1
  mumtool: partial_shortheader.cab: at offset 35: cabinet header: truncated before the end of the fixed fields
  [3]

  $ cd "$REALDATA/cab-edge" && mumtool ls partial_str_nofname.cab 2>&1
  mumtool: partial_str_nofname.cab: cabinet 2 of a multi-cabinet set (previous 'cabd03a.cab', next 'cabd03c.cab'): sets spanning several files are not supported
  [3]

  $ cd "$REALDATA/cab-edge" && mumtool ls partial_str_noninfo.cab 2>&1
  mumtool: partial_str_noninfo.cab: at offset 85: cabinet header: next cabinet's name truncated or too long
  [3]

  $ cd "$REALDATA/cab-edge" && mumtool ls partial_str_nonname.cab 2>&1
  mumtool: partial_str_nonname.cab: at offset 73: cabinet header: next cabinet's name truncated or too long
  [3]

  $ cd "$REALDATA/cab-edge" && mumtool ls partial_str_nopinfo.cab 2>&1
  mumtool: partial_str_nopinfo.cab: at offset 48: cabinet header: previous cabinet's name truncated or too long
  [3]

  $ cd "$REALDATA/cab-edge" && mumtool ls partial_str_nopname.cab 2>&1
  mumtool: partial_str_nopname.cab: at offset 36: cabinet header: previous cabinet's name truncated or too long
  [3]

  $ cd "$REALDATA/cab-edge" && mumtool ls partial_str_shortfname.cab 2>&1
  mumtool: partial_str_shortfname.cab: cabinet 2 of a multi-cabinet set (previous 'cabd03a.cab', next 'cabd03c.cab'): sets spanning several files are not supported
  [3]

  $ cd "$REALDATA/cab-edge" && mumtool ls partial_str_shortninfo.cab 2>&1
  mumtool: partial_str_shortninfo.cab: at offset 85: cabinet header: next cabinet's name truncated or too long
  [3]

  $ cd "$REALDATA/cab-edge" && mumtool ls partial_str_shortnname.cab 2>&1
  mumtool: partial_str_shortnname.cab: at offset 73: cabinet header: next cabinet's name truncated or too long
  [3]

  $ cd "$REALDATA/cab-edge" && mumtool ls partial_str_shortpinfo.cab 2>&1
  mumtool: partial_str_shortpinfo.cab: at offset 48: cabinet header: previous cabinet's name truncated or too long
  [3]

  $ cd "$REALDATA/cab-edge" && mumtool ls partial_str_shortpname.cab 2>&1
  mumtool: partial_str_shortpname.cab: at offset 36: cabinet header: previous cabinet's name truncated or too long
  [3]

  $ cd "$REALDATA/cab-edge" && mumtool ls reserve_---.cab 2>&1
             5  test1.txt
             5  test2.txt

  $ cd "$REALDATA/cab-edge" && mumtool ls reserve_--D.cab 2>&1
             5  test1.txt
             5  test2.txt

  $ cd "$REALDATA/cab-edge" && mumtool ls reserve_-F-.cab 2>&1
             5  test1.txt
             5  test2.txt

  $ cd "$REALDATA/cab-edge" && mumtool ls reserve_-FD.cab 2>&1
             5  test1.txt
             5  test2.txt

  $ cd "$REALDATA/cab-edge" && mumtool ls reserve_H--.cab 2>&1
             5  test1.txt
             5  test2.txt

  $ cd "$REALDATA/cab-edge" && mumtool ls reserve_H-D.cab 2>&1
             5  test1.txt
             5  test2.txt

  $ cd "$REALDATA/cab-edge" && mumtool ls reserve_HF-.cab 2>&1
             5  test1.txt
             5  test2.txt

  $ cd "$REALDATA/cab-edge" && mumtool ls reserve_HFD.cab 2>&1
             5  test1.txt
             5  test2.txt

  $ cd "$REALDATA/cab-edge" && mumtool ls --hash reserve_---.cab 2>&1
             5  13b896d551a100401b0d3982e0729efc2e8d7aeb09a36c0a51e48ec2bd15ea8b  test1.txt
             5  f2ca1bb6c7e907d06dafe4687e579fce76b37e4e93b7605022da52e6ccc26fd2  test2.txt

  $ cd "$REALDATA/cab-edge" && mumtool ls --hash reserve_HFD.cab 2>&1
             5  13b896d551a100401b0d3982e0729efc2e8d7aeb09a36c0a51e48ec2bd15ea8b  test1.txt
             5  f2ca1bb6c7e907d06dafe4687e579fce76b37e4e93b7605022da52e6ccc26fd2  test2.txt

  $ cd "$REALDATA/cab-edge" && mumtool ls search_basic.cab 2>&1
  mumtool: search_basic.cab: at offset 0: not a cabinet, an .msu or a folder (no "MSCF" signature)
  [3]

  $ cd "$REALDATA/cab-edge" && mumtool ls search_tricky1.cab 2>&1
  mumtool: search_tricky1.cab: cabinet 1 of a multi-cabinet set (previous '"', next ''): sets spanning several files are not supported
  [3]

