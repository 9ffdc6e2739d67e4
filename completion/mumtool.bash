# bash completion for mumtool                                -*- shell-script -*-
# Installed as $(datadir)/bash-completion/completions/mumtool, where
# bash-completion loads it on first use; or source it from ~/.bashrc.
# Self-contained: works without the bash-completion package's helpers.
# The options follow src/cli/main.c's command table and each command's
# option table (tests/cli/completion.sh checks that none is missing).

# Options every command takes (the common options of src/cli/common.c).
_mumtool_common='--format --quiet -q --verbose -v --color --progress --no-progress --help -h'

# The options of a command ("cat" and "name" share one table among their
# subcommands).
_mumtool_options()
{
    case $1 in
    verify) echo '--trust --no-default-trust --policy --expect --expect-dates --output -o --at --no-matrix
                  --fail-on --json --base-manifest --wcp' ;;
    graph) echo '--no-files --json --base-manifest --wcp' ;;
    name) echo '--json --no-version --package' ;;
    rules) echo '--json' ;;
    cat) echo '--json --trust --no-default-trust --at --output -o --v1 --v2 --time --list-id --attr
               --no-file-names --list --key --cert --chain --sha1 --description --url --force' ;;
    show) echo '--json --no-name-check --base-manifest --wcp' ;;
    ls) echo '--hash --json --no-descend' ;;
    info) echo '--json --trust --no-default-trust' ;;
    extract) echo '--directory -C --max-output --max-ratio --force --keep-going -k --no-descend --raw' ;;
    trust) echo '--json --trust --no-default-trust' ;;
    diff) echo '--old --new --output -o --fail-on --cross --list-kinds --json --base-manifest --wcp' ;;
    expect) echo '--json' ;;
    delta) echo '--json --output -o --force' ;;
    esac
}

# The values of --format per command.
_mumtool_formats()
{
    case $1 in
    verify) echo 'text json sarif junit' ;;
    graph) echo 'text dot json' ;;
    diff) echo 'text json html' ;;
    expect) echo 'text json tsv' ;;
    *) echo 'text json' ;;
    esac
}

_mumtool()
{
    local cur prev cword cmd='' sub='' i w
    local -a words=("${COMP_WORDS[@]}")
    cword=$COMP_CWORD
    cur=${words[cword]}
    prev=''
    ((cword > 0)) && prev=${words[cword - 1]}
    # COMP_WORDBREAKS splits "--color=al" into "--color" "=" "al"
    if [[ $cur == '=' ]]; then
        cur=''
    elif [[ $prev == '=' ]] && ((cword > 1)); then
        prev=${words[cword - 2]}
    fi

    # the command: the first word that is not an option
    for ((i = 1; i < cword; i++)); do
        w=${words[i]}
        [[ $w == -* || $w == '=' ]] && continue
        if [[ -z $cmd ]]; then
            cmd=$w
        elif [[ -z $sub && ($cmd == cat || $cmd == name || $cmd == trust || $cmd == expect ||
                            $cmd == delta) ]]; then
            sub=$w
            break
        fi
    done

    if [[ -z $cmd ]]; then
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W '--help -h --version -V' -- "$cur"))
        else
            COMPREPLY=($(compgen -W 'verify graph name rules cat show ls info extract trust diff expect
                                     delta' -- "$cur"))
        fi
        return 0
    fi

    # the value of the option before the cursor
    case $prev in
    --format)
        COMPREPLY=($(compgen -W "$(_mumtool_formats "$cmd")" -- "$cur"))
        return 0 ;;
    --color)
        COMPREPLY=($(compgen -W 'auto always never' -- "$cur"))
        return 0 ;;
    --fail-on)
        if [[ $cmd == diff ]]; then
            # a comma-separated list: complete its last item
            local last=${cur##*,}
            COMPREPLY=($(compgen -P "${cur%"$last"}" -W "$("${words[0]}" diff --list-kinds 2>/dev/null | cut -d' ' -f1)" \
                -- "$last"))
        else
            COMPREPLY=($(compgen -W 'error warning note never' -- "$cur"))
        fi
        return 0 ;;
    -C | --directory)
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -d -- "$cur"))
        return 0 ;;
    --trust | --policy | --expect | --output | -o | --key | --cert | --chain | --list | --old | --new | \
    --base-manifest | --wcp)
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -f -- "$cur"))
        return 0 ;;
    --at | --time | --list-id | --attr | --description | --url | --max-output | --max-ratio)
        COMPREPLY=()
        return 0 ;;
    esac

    # the subcommands of cat, name, trust, expect and delta
    if [[ -z $sub && $cur != -* ]]; then
        case $cmd in
        name) COMPREPLY=($(compgen -W 'parse key check' -- "$cur")); return 0 ;;
        delta) COMPREPLY=($(compgen -W 'info apply' -- "$cur")); return 0 ;;
        trust) COMPREPLY=($(compgen -W 'list' -- "$cur")); return 0 ;;
        expect) COMPREPLY=($(compgen -W 'parse' -- "$cur")); return 0 ;;
        cat)
            COMPREPLY=($(compgen -W 'verify check hash create' -- "$cur"))
            compopt -o filenames 2>/dev/null
            COMPREPLY+=($(compgen -f -- "$cur"))
            return 0 ;;
        esac
    fi

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$(_mumtool_options "$cmd") $_mumtool_common" -- "$cur"))
        return 0
    fi
    case $cmd in
    rules | trust) COMPREPLY=() ;;
    name) COMPREPLY=() ;;
    *)
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -f -- "$cur")) ;;
    esac
    return 0
}
complete -F _mumtool mumtool
