# Types LINE<Tab> into an interactive zsh (zsh/zpty) that loads
# completion/_mumtool through its fpath, and prints the command line after
# the completion.  Used by tests/cli/completion.sh; exit 77 without zpty.
# Usage: zsh -f completion-zpty.zsh COMPLETION-DIR SCRATCH-FILE LINE...
zmodload zsh/zpty 2>/dev/null || exit 77
dir=$1 out=$2
shift 2
for line in "$@"; do
  zpty z zsh -f -i
  zpty -w z "PS1=''; fpath=($dir \$fpath); autoload -U compinit; compinit -u -d $out.zcd"
  zpty -w z "dumpbuf() { print -r -- \"\$BUFFER\" > $out; }; zle -N dumpbuf; bindkey '^X^D' dumpbuf; bindkey '^I' complete-word"
  # wait until compinit has run, or the Tab would come before it
  zpty -w z "print RE''ADY"
  zpty -r -m z junk '*READY*' || exit 1
  rm -f $out
  zpty -w -n z "$line"$'\t'
  sleep 0.5
  zpty -w -n z $'\x18\x04'
  for i in {1..300}; do [[ -s $out ]] && break; sleep 0.1; done
  zpty -d z
  print -r -- "$(cat $out 2>/dev/null)|"
done
