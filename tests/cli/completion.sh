#!/bin/sh
# Shell completion (TAP): completion/mumtool.bash loads in bash and
# completes commands, options and option values (its function called with
# COMP_WORDS set, as bash calls it); for every command of src/cli/main.c,
# every long option of its source file (option table or hand parser) and
# of common.c is offered.  completion/_mumtool loads in zsh (sourced after
# compinit, and autoloaded from the fpath) without a message, names the
# same options, and completes "ver" and "verify --fo" in an interactive zsh
# (zpty).  The zsh tests are skipped when zsh is not installed.
set -u
: "${MUMTOOL:?}"
SRCDIR=${MUM_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
BASH_COMP="$SRCDIR/completion/mumtool.bash"
ZSH_COMP="$SRCDIR/completion/_mumtool"
work=$(mktemp -d "${TMPDIR:-/tmp}/mum-completion.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT INT TERM
# the diff kinds come from 'mumtool diff --list-kinds': the built mumtool
mkdir "$work/bin" && ln -s "$MUMTOOL" "$work/bin/mumtool"
PATH="$work/bin:$PATH"
export PATH

n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do printf '%s\n' "$l" | sed 's/^/# /'; done; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
check() { # what expected got
    if [ "$2" = "$3" ]; then ok "$1"; else notok "$1" "expected: $2" "got:      $3"; fi
}

# complete WORD... : what bash's completion offers for the last word
complete_bash() {
    bash -c '
        source "$1" || exit 1
        shift
        COMP_WORDS=("$@")
        COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
        COMP_LINE="$*"
        COMP_POINT=${#COMP_LINE}
        COMPREPLY=()
        _mumtool mumtool "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
        printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " " | sed "s/ \$//"
    ' complete_bash "$BASH_COMP" "$@"
}

# long options of a source file: option tables and hand-parsed "--x"
options_of() {
    { sed -n 's/.*{"\([a-z0-9-]*\)", *\(no\|required\|optional\)_argument.*/--\1/p' "$1"
      grep -o '"--[a-z0-9-][a-z0-9-]*"' "$1" | tr -d '"'; } | sort -u
}

# ---- bash ----
out=$(bash -c 'source "$1" && complete -p mumtool' sh "$BASH_COMP" 2>&1)
check "bash: the script loads without a message and completes mumtool" "complete -F _mumtool mumtool" "$out"
check "bash: 'mumtool ver<TAB>' gives verify" "verify" "$(complete_bash mumtool ver)"
check "bash: 'mumtool verify --fo<TAB>' gives --format" "--format" "$(complete_bash mumtool verify --fo)"
check "bash: 'mumtool verify --format <TAB>' gives the verify formats" "json junit sarif text" \
    "$(complete_bash mumtool verify --format '')"
check "bash: 'mumtool graph --format <TAB>' gives the graph formats" "dot json text" \
    "$(complete_bash mumtool graph --format '')"
check "bash: 'mumtool verify --fail-on <TAB>' gives the severities" "error never note warning" \
    "$(complete_bash mumtool verify --fail-on '')"
check "bash: 'mumtool ls --color=<TAB>' gives auto, always, never" "always auto never" \
    "$(complete_bash mumtool ls --color = '')"
check "bash: 'mumtool diff --fail-on downgrade,package-a<TAB>' completes the list's last kind" \
    "downgrade,package-added" "$(complete_bash mumtool diff --fail-on downgrade,package-a)"
check "bash: 'mumtool name <TAB>' gives the subcommands" "check key parse" "$(complete_bash mumtool name '')"
f="$work/files"
mkdir "$f" "$f/dir.d" && : > "$f/file.msu"
check "bash: 'mumtool extract X -C <TAB>' gives folders only" "$f/dir.d" "$(complete_bash mumtool extract x.msu -C "$f/")"
check "bash: 'mumtool ls <TAB>' gives files" "$f/dir.d $f/file.msu" "$(complete_bash mumtool ls "$f/")"

commands=$(sed -n '/commands\[\] = {/,/^};/s/^ *{"\([a-z]*\)", cmd_.*/\1/p' "$SRCDIR/src/cli/main.c" | sort | tr '\n' ' ' | sed 's/ $//')
check "bash: 'mumtool <TAB>' gives exactly the commands of main.c's table" "$commands" "$(complete_bash mumtool '')"

common=$(options_of "$SRCDIR/src/cli/common.c")
missing=""
for cmd in $commands; do
    case $cmd in
    name) words="mumtool name parse --" ;;
    trust) words="mumtool trust list --" ;;
    *) words="mumtool $cmd --" ;;
    esac
    # shellcheck disable=SC2086
    offered=" $(complete_bash $words) "
    for opt in $(options_of "$SRCDIR/src/cli/cmd_$cmd.c") $common; do
        case $offered in *" $opt "*) ;; *) missing="$missing $cmd:$opt" ;; esac
    done
done
if [ -z "$missing" ]; then
    ok "bash: every command is offered every long option of its source and of common.c"
else
    notok "bash: every command is offered every long option of its source and of common.c" "missing:$missing"
fi

# ---- zsh ----
if ! command -v zsh >/dev/null 2>&1; then
    for what in "zsh: the script loads after compinit without a message" \
        "zsh: autoloaded from the fpath, compinit binds it to mumtool" \
        "zsh: the script names every long option of the sources" \
        "zsh: 'mumtool ver<TAB>' and 'mumtool verify --fo<TAB>' complete"; do
        skip "$what" "zsh is not installed (tools/install-deps installs it)"
    done
else
    out=$(cd "$work" && HOME="$work" zsh -f -c 'autoload -U compinit; compinit -u -d "$1.zcd"; source "$1"; print -r -- ${_comps[mumtool]}' \
        sh "$ZSH_COMP" 2>&1)
    check "zsh: the script loads after compinit without a message" "_mumtool" "$out"
    out=$(cd "$work" && HOME="$work" zsh -f -c 'fpath=("$1" $fpath); autoload -U compinit; compinit -u -d "$2/zcd"; print -r -- ${_comps[mumtool]}' \
        sh "$SRCDIR/completion" "$work" 2>&1)
    check "zsh: autoloaded from the fpath, compinit binds it to mumtool" "_mumtool" "$out"
    missing=""
    for f in "$SRCDIR"/src/cli/cmd_*.c "$SRCDIR/src/cli/common.c"; do
        for opt in $(options_of "$f"); do
            grep -qE "['{,*)\"]$opt(\\[|=|\\+|\\})" "$ZSH_COMP" || missing="$missing $opt"
        done
    done
    if [ -z "$missing" ]; then
        ok "zsh: the script names every long option of the sources"
    else
        notok "zsh: the script names every long option of the sources" "missing:$missing"
    fi
    got=$(cd "$work" && HOME="$work" timeout 120 zsh -f "$SRCDIR/tests/cli/completion-zpty.zsh" "$SRCDIR/completion" \
        "$work/zpty.out" 'mumtool ver' 'mumtool verify --fo' 'mumtool graph --format=d' 2>&1)
    rc=$?
    if [ $rc -eq 77 ]; then
        skip "zsh: 'mumtool ver<TAB>' and 'mumtool verify --fo<TAB>' complete" "zsh has no zsh/zpty module"
    else
        check "zsh: 'mumtool ver<TAB>', 'verify --fo<TAB>', 'graph --format=d<TAB>' complete" \
            "mumtool verify |
mumtool verify --format=|
mumtool graph --format=dot |" "$got"
    fi
fi
echo "1..$n"
