#!/usr/bin/env bash
# bench/check.sh: how fast does `hooklimit check` read recorded traffic, and
# in how much memory, beside `wc -l` and `jq -c .` on the same file?
#
#   bench/check.sh [LINES]                (default 3,000,000)
#   HOOKLIMIT=/tmp/hl-old bench/check.sh  (measure that build of hooklimit)
#
# It writes a JSON-lines file of LINES records over 200 keys, times
# `hooklimit check` on it against rewst (on two cores, where check parses
# on one goroutine and analyses on another, and on one, GOMAXPROCS=1), and
# prints lines per second and the ratios to wc -l and jq. jq is installed
# from Debian's packages when missing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

lines=${1:-3000000}
pairs=${PAIRS:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

need() {
	command -v "$1" >/dev/null 2>&1 || {
		echo "installing $2" >&2
		(apt-get update -qq && apt-get install -y -qq "$2") >/dev/null
	}
}
need jq jq

hl=${HOOKLIMIT:-$tmp/hooklimit}
[ -n "${HOOKLIMIT:-}" ] || go build -o "$hl" ./cmd/hooklimit
go run ./bench/gentraffic -n "$lines" -keys 200 >"$tmp/traffic.jsonl"
size=$(du -h "$tmp/traffic.jsonl" | cut -f1)
echo "file: $lines lines, $size"

# secs CMD...: runs CMD with stdout discarded and prints its wall seconds.
secs() {
	local t0 t1
	t0=$(date +%s.%N)
	"$@" >/dev/null 2>"$tmp/err" || true
	t1=$(date +%s.%N)
	echo "$t1 - $t0" | bc -l
}

# stats: reads numbers, one a line, and prints "min median".
stats() { sort -g | awk '{v[NR]=$1} END {m=(NR%2)?v[(NR+1)/2]:(v[NR/2]+v[NR/2+1])/2; printf "%.2f %.2f", v[1], m}'; }

# compare PROCS: runs check (GOMAXPROCS=PROCS) and jq, then check and wc -l,
# in turn (A B A B), PAIRS times, and prints min and median of lines/s and
# of the ratios jq/check and check/wc.
compare() {
	local procs=$1 i c j w
	: >"$tmp/rate"
	: >"$tmp/jq"
	: >"$tmp/wc"
	for ((i = 0; i < pairs; i++)); do
		c=$(secs env GOMAXPROCS="$procs" "$hl" check "$tmp/traffic.jsonl" --profile rewst --format json)
		j=$(secs jq -c . "$tmp/traffic.jsonl")
		echo "$lines / $c" | bc -l >>"$tmp/rate"
		echo "$j / $c" | bc -l >>"$tmp/jq"
		c=$(secs env GOMAXPROCS="$procs" "$hl" check "$tmp/traffic.jsonl" --profile rewst --format json)
		w=$(secs wc -l "$tmp/traffic.jsonl")
		echo "$lines / $c" | bc -l >>"$tmp/rate"
		echo "$c / $w" | bc -l >>"$tmp/wc"
	done
	printf '%-10s %22s %22s %22s\n' "$procs core(s)" "$(stats <"$tmp/rate" | awk '{printf "%.2f %.2f", $1/1e6, $2/1e6}')" "$(stats <"$tmp/jq")" "$(stats <"$tmp/wc")"
}

echo "load: $(uptime | sed 's/.*load/load/')"
printf '%-10s %22s %22s %22s\n' "GOMAXPROCS" "M lines/s (min med)" "jq / check (min med)" "check / wc (min med)"
compare 2
compare 1
