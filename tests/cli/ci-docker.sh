#!/bin/sh
# .ci/run's Docker stage (TAP), without docker and without running the CI:
# the stage (between "# ---- docker" and "# ---- end docker ----") is cut
# out of .ci/run and run with a stub 'docker' first in PATH: with no docker
# it says it skips and counts nothing; a build that works counts one pass;
# one that fails counts one failure and shows the log.  .ci/run still ends
# with the "N passed, N failed" line; the Dockerfile builds on Debian 12;
# the shell examples of doc/ci.md parse.
set -u
SRCDIR=${MUM_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
RUN="$SRCDIR/.ci/run"
work=$(mktemp -d "${TMPDIR:-/tmp}/mum-cidocker.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT INT TERM

n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do printf '%s\n' "$l" | sed 's/^/# /'; done; }

sed -n '/^# ---- docker/,/^# ---- end docker ----$/p' "$RUN" > "$work/stage"
# the stage, with the counters .ci/run has at that point, then its last line
cat > "$work/harness" <<'H'
set -u
top=$TOP
passed=5
failed=2
status=0
. "$STAGE"
echo "$passed passed, $failed failed, status $status"
H

# stage PATH-DIR: runs the stage with only PATH-DIR and the basic tools
stage() {
    mkdir -p "$work/top"
    PATH="$1:$(dirname "$(command -v sed)"):/usr/bin:/bin" TOP="$work/top" STAGE="$work/stage" \
        sh "$work/harness" 2>&1
}
# a PATH without docker: only links to sh's helpers
mkdir "$work/nodocker"
for tool in sh mkdir tail; do ln -s "$(command -v $tool)" "$work/nodocker/$tool"; done

if [ -s "$work/stage" ]; then
    ok ".ci/run has a Docker stage"
else
    notok ".ci/run has a Docker stage"
fi

out=$(PATH="$work/nodocker" TOP="$work/top" STAGE="$work/stage" "$work/nodocker/sh" "$work/harness" 2>&1)
case $out in
*"docker: skipped: docker is not installed"*"5 passed, 2 failed, status 0") ok "no docker: skipped, said so, nothing counted" ;;
*) notok "no docker: skipped, said so, nothing counted" "$out" ;;
esac

mkdir "$work/fake"
cat > "$work/fake/docker" <<'D'
#!/bin/sh
echo "docker $*" >> "$DOCKER_LOG"
case $1 in
info) exit "${DOCKER_INFO_RC:-0}" ;;
build) [ -f "$4/Dockerfile.fail" ] && { echo "build failed here"; exit 1; }; exit 0 ;;
run) echo "mumtool 0.1.0"; exit 0 ;;
esac
D
chmod +x "$work/fake/docker"
export DOCKER_LOG="$work/docker.log"

out=$(DOCKER_INFO_RC=1 stage "$work/fake")
case $out in
*"docker: skipped: docker is not installed or its daemon does not answer"*"5 passed, 2 failed, status 0")
    ok "docker without a daemon: skipped, said so" ;;
*) notok "docker without a daemon: skipped, said so" "$out" ;;
esac

: > "$DOCKER_LOG"
out=$(stage "$work/fake")
case $out in
*"image built, mumtool runs in it"*"6 passed, 2 failed, status 0") ok "docker present: the image is built and run, one pass" ;;
*) notok "docker present: the image is built and run, one pass" "$out" ;;
esac
if grep -q "^docker build -t mumtool-ci $work/top\$" "$DOCKER_LOG" && grep -q '^docker run --rm mumtool-ci --version$' "$DOCKER_LOG"; then
    ok "the build is of the source tree, the run starts mumtool"
else
    notok "the build is of the source tree, the run starts mumtool" "$(cat "$DOCKER_LOG")"
fi

: > "$work/top/Dockerfile.fail"
out=$(stage "$work/fake")
case $out in
*"build failed here"*"did not build or run"*"5 passed, 3 failed, status 1") ok "a failed build: one failure, the log shown" ;;
*) notok "a failed build: one failure, the log shown" "$out" ;;
esac

last=$(grep -v '^\s*$' "$RUN" | grep -v '^\s*#' | tail -n 2 | head -n 1)
if [ "$last" = 'echo "$passed passed, $failed failed"' ]; then
    ok ".ci/run still ends with the \"N passed, N failed\" line"
else
    notok ".ci/run still ends with the \"N passed, N failed\" line" "$last"
fi

froms=$(sed -n 's/^FROM \([^ ]*\).*/\1/p' "$SRCDIR/Dockerfile" | sort -u | tr '\n' ' ')
if [ "$froms" = "debian:12-slim " ] && grep -q '^ENTRYPOINT \["mumtool"\]' "$SRCDIR/Dockerfile"; then
    ok "the Dockerfile builds on Debian 12 and runs mumtool"
else
    notok "the Dockerfile builds on Debian 12 and runs mumtool" "$froms"
fi

# every ```sh block of doc/ci.md, through sh -n
awk -v dir="$work" '/^```sh$/ { on = 1; k++; next } /^```$/ { on = 0 } on { print > (dir "/block" k ".sh") }' \
    "$SRCDIR/doc/ci.md"
bad=""
count=0
for b in "$work"/block*.sh; do
    [ -f "$b" ] || continue
    count=$((count + 1))
    sh -n "$b" 2>>"$work/sherr" || bad="$bad $(basename "$b")"
done
if [ "$count" -ge 3 ] && [ -z "$bad" ]; then
    ok "doc/ci.md: its $count shell examples parse"
else
    notok "doc/ci.md: its shell examples parse" "blocks: $count, bad:$bad" "$(cat "$work/sherr" 2>/dev/null)"
fi
echo "1..$n"
