#!/usr/bin/env bash
# bench/check.sh: how fast does `hooklimit check` read recorded traffic, and
# in how much memory, beside `wc -l` and `jq -c .` on the same file?
#
#   bench/check.sh [LINES]      (default 10,000,000)
#
# It writes a JSON-lines file of LINES records over 1,000 keys, times
# `hooklimit check` on it against rewst (on one core, GOMAXPROCS=1, and on
# two: check parses on one goroutine and analyses on another), and prints
# lines per second, peak memory (max RSS) and the ratios to wc -l and jq.
# jq is installed from Debian's packages when missing. Needs GNU time
# (/usr/bin/time, package "time"), installed the same way.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

lines=${1:-10000000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

need() {
	command -v "$1" >/dev/null 2>&1 || {
		echo "installing $2" >&2
		(apt-get update -qq && apt-get install -y -qq "$2") >/dev/null
	}
}
need jq jq
[ -x /usr/bin/time ] || { (apt-get update -qq && apt-get install -y -qq time) >/dev/null; }

go build -o "$tmp/hooklimit" ./cmd/hooklimit
go run ./bench/gentraffic -n "$lines" -keys 1000 >"$tmp/traffic.jsonl"
size=$(du -h "$tmp/traffic.jsonl" | cut -f1)
echo "file: $lines lines, $size"

# run VAR NAME CMD...: runs CMD with stdout discarded, prints seconds and
# max RSS, and sets VAR to the seconds.
run() {
	local var=$1 name=$2
	shift 2
	/usr/bin/time -f "%e %M" -o "$tmp/time" "$@" >/dev/null 2>"$tmp/err" || true
	read -r secs kb <"$tmp/time"
	printf '%-28s %8.2f s %10.0f lines/s %8.1f MB max RSS\n' "$name" "$secs" "$(echo "$lines / $secs" | bc -l)" "$(echo "$kb / 1024" | bc -l)"
	printf -v "$var" '%s' "$secs"
}

run wc "wc -l" wc -l "$tmp/traffic.jsonl"
run jq "jq -c ." jq -c . "$tmp/traffic.jsonl"
run check "hooklimit check (1 core)" env GOMAXPROCS=1 "$tmp/hooklimit" check "$tmp/traffic.jsonl" --profile rewst --format json
run check2 "hooklimit check (2 cores)" env GOMAXPROCS=2 "$tmp/hooklimit" check "$tmp/traffic.jsonl" --profile rewst --format json
echo
printf 'check / wc -l: %.1fx the time (1 core)\n' "$(echo "$check / $wc" | bc -l)"
printf 'jq / check:    check is %.1fx faster than jq -c . on 1 core, %.1fx on 2\n' "$(echo "$jq / $check" | bc -l)" "$(echo "$jq / $check2" | bc -l)"
