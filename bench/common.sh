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
