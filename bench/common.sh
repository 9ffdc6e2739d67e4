# bench/common.sh - sourced by the benchmark scripts (sh).
#
# real_mumtool: a libtool wrapper script re-executes the real program, and
# timing the wrapper would time a shell too: points MUMTOOL at the real one
# (with its library on LD_LIBRARY_PATH) when MUMTOOL is such a wrapper.
real_mumtool() {
    _dir=$(dirname "$MUMTOOL")
    _base=$(basename "$MUMTOOL")
    if [ -x "$_dir/.libs/$_base" ] && [ "$(head -c 2 "$MUMTOOL")" = "#!" ]; then
        LD_LIBRARY_PATH="$_dir/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
        export LD_LIBRARY_PATH
        MUMTOOL="$_dir/.libs/$_base"
    fi
}

# verify_passes WHO CABINET REPORT: a benchmark times only a package that
# verifies with 0 errors; otherwise the head of mumtool's report (kept in
# REPORT) goes to stderr and the script WHO stops.  Prints the report's
# last line (the counts).
verify_passes() {
    _status=0
    "$MUMTOOL" verify --trust "$TRUST" -q "$2" > "$3" 2>&1 || _status=$?
    if [ "$_status" -ne 0 ]; then
        echo "$1: mumtool verify fails ($_status) on the generated package $2:" >&2
        head -40 "$3" >&2
        exit 1
    fi
    echo "verify on $(basename "$2"): $(tail -1 "$3")"
}
