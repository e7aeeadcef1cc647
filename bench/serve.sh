#!/usr/bin/env bash
# bench/serve.sh: `hooklimit serve` under wrk with keep-alive, beside a bare
# net/http handler (bench/servebare) measured in turn with it, A B A B, on
# the same machine; and the receiver's memory with 1,000,000 distinct keys.
#
#   bench/serve.sh [SECONDS] [ROUNDS]   (default 5 s a run, 5 rounds)
#   CONNS=128 bench/serve.sh            (connections; default 64)
#   HOOKLIMIT=/tmp/hl-old bench/serve.sh  (measure that build of hooklimit,
#                                          not this tree's; no memory part)
#
# Throughput: wrk -t1 -cCONNS, keep-alive, a JSON POST of about 80 bytes, in
# two cases:
#   - 1 key: serve --profile rewst on one key (/hooks/t1), the same body
#     (so one event id) every time: nearly every request is a 429 with
#     Retry-After and an early retry, the worst case for the recorder;
#   - 10,000 keys: /hooks/t0../hooks/t9999 with an event id of its own in
#     each body, by a wrk Lua script: every key stays under rewst's limits,
#     so nearly all are admitted: the realistic case.
# Each round runs, per case, the bare server and then serve under the same
# wrk script for SECONDS each, and takes serve / bare of that pair; the
# script prints every pair and the min and median ratio per case. Pairs
# measured back to back cancel most of the drift of a shared machine.
# Each case has its own serve process; every request it answered must be
# recorded: the script checks serve's own count against wrk's. Beside the
# requests a second, each run's CPU time per request of the server process
# (user and system, from /proc): on a machine busy with other work, where
# requests a second swing with what else runs, bare / serve of the CPU a
# request costs is the steadier figure of what serve adds.
#
# Added latency: wrk -t1 -c1 (one request at a time, so no queueing) against
# each, and the p99 of serve minus the p99 of the bare server.
#
# Memory: BenchmarkDistinctKeys1e6 in receiver/, which drives the handler
# with a million distinct keys on a virtual clock and reports the heap.
#
# All traffic goes to 127.0.0.1. Installs wrk from Debian's packages when
# it is missing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

secs=${1:-5}
rounds=${2:-5}
conns=${CONNS:-64}
command -v wrk >/dev/null 2>&1 || { (apt-get update -qq && apt-get install -y -qq wrk) >/dev/null; }

tmp=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT

hl=${HOOKLIMIT:-$tmp/hooklimit}
[ -n "${HOOKLIMIT:-}" ] || go build -o "$hl" ./cmd/hooklimit
go build -o "$tmp/bare" ./bench/servebare

body='{"id":"evt-1","type":"ticket.updated","data":{"ticket":42,"status":"closed"}}'
cat >"$tmp/one.lua" <<EOF
wrk.method = "POST"
wrk.body = '$body'
wrk.headers["Content-Type"] = "application/json"
EOF
# keys_lua NAME: a script whose event ids start with NAME, so that no two
# runs send the same event.
keys_lua() {
	cat >"$tmp/keys-$1.lua" <<EOF
local n = 0
request = function()
  n = n + 1
  local body = '{"id":"evt-$1-' .. n .. '","type":"ticket.updated","data":{"ticket":42,"status":"closed"}}'
  return wrk.format("POST", "/hooks/t" .. (n % 10000), {["Content-Type"] = "application/json"}, body)
end
EOF
	echo "$tmp/keys-$1.lua"
}

# start NAME CMD...: runs a server, waits for its URL (serve --format json
# announces it on standard error).
start() {
	local name=$1
	shift
	"$@" >"$tmp/$name.out" 2>"$tmp/$name.err" &
	pids+=($!)
	for _ in $(seq 100); do
		url=$(cat "$tmp/$name.out" "$tmp/$name.err" 2>/dev/null | grep -o -m1 'http://127\.0\.0\.1:[0-9]*' || true)
		[ -n "$url" ] && return
		sleep 0.1
	done
	echo "$name did not start" >&2
	cat "$tmp/$name.err" >&2
	exit 1
}

# rps FILE, p99 FILE, total FILE: read wrk's output.
rps() { awk '/^Requests\/sec:/ {print $2}' "$1"; }
total() { awk '/requests in/ {print $1}' "$1"; }
p99() { awk '$1 == "99%" {v = $2; if (v ~ /us$/) {sub(/us/, "", v); v /= 1000} else if (v ~ /ms$/) {sub(/ms/, "", v)} else if (v ~ /s$/) {sub(/s/, "", v); v *= 1000}; print v}' "$1"; }

start bare "$tmp/bare" -listen 127.0.0.1:0
bare=$url
start one "$hl" serve --profile rewst --listen 127.0.0.1:0 --format json
one=$url
start keys "$hl" serve --profile rewst --listen 127.0.0.1:0 --format json
keys=$url

declare -A sent=([one]=0 [keys]=0) pid=([bare]=${pids[0]} [one]=${pids[1]} [keys]=${pids[2]})
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; } # clock ticks of user and system time
declare -A usreq
run() { # OUT URL SCRIPT CONNS SECONDS SERVER: wrk; count what SERVER was sent, and its CPU µs a request
	local c0 c1
	c0=$(cpu "${pid[$6]}")
	wrk -t1 -c"$4" -d"$5"s --latency -s "$3" "$2" >"$tmp/$1.wrk"
	c1=$(cpu "${pid[$6]}")
	usreq[$1]=$(echo "($c1 - $c0) * 1000000 / $(getconf CLK_TCK) / $(total "$tmp/$1.wrk")" | bc -l)
	if [ "$6" != bare ]; then sent[$6]=$((${sent[$6]} + $(total "$tmp/$1.wrk"))); fi
}

load() { awk '{print $1, $2, $3}' /proc/loadavg; }
printf 'load average (1, 5, 15 min) before: %s\n' "$(load)"
# Warm up each server for a second.
run warm "$bare/hooks/t1" "$tmp/one.lua" "$conns" 1 bare
run warm "$one/hooks/t1" "$tmp/one.lua" "$conns" 1 one
run warm "$keys/" "$(keys_lua warm)" "$conns" 1 keys

printf '\nthroughput: wrk -t1 -c%s, keep-alive, %ss a run, bare then serve, %s rounds\n' "$conns" "$secs" "$rounds"
printf '  %-6s %-12s %11s %11s %7s   %11s %11s %7s\n' round case "bare req/s" "serve req/s" ratio "bare µs/req" "serve µs/req" ratio
declare -A ratios=([one]="" [keys]="") cpuratios=([one]="" [keys]="")
for r in $(seq "$rounds"); do
	for c in one keys; do
		if [ "$c" = one ]; then path=/hooks/t1 script=$tmp/one.lua url=$one label="1 key"; else
			path=/ script=$(keys_lua "r$r") url=$keys label="10,000 keys"; fi
		run "bare-$c-$r" "$bare$path" "$script" "$conns" "$secs" bare
		run "$c-$r" "$url$path" "$script" "$conns" "$secs" "$c"
		b=$(rps "$tmp/bare-$c-$r.wrk") s=$(rps "$tmp/$c-$r.wrk")
		ratio=$(echo "$s / $b" | bc -l)
		cb=${usreq[bare-$c-$r]} cs=${usreq[$c-$r]}
		cratio=$(echo "$cb / $cs" | bc -l)
		ratios[$c]+="$ratio " cpuratios[$c]+="$cratio "
		printf '  %-6s %-12s %11.0f %11.0f %7.3f   %11.1f %11.1f %7.3f\n' "$r" "$label" "$b" "$s" "$ratio" "$cb" "$cs" "$cratio"
	done
done
# summary RATIOS: their min and median.
summary() {
	tr ' ' '\n' <<<"$1" | grep . | sort -g |
		awk '{v[NR] = $1} END {m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "min %.2f, median %.2f", v[1], m}'
}
printf '  requests a second, serve / bare:  1 key: %s;  10,000 keys: %s\n' "$(summary "${ratios[one]}")" "$(summary "${ratios[keys]}")"
printf '  CPU a request, bare / serve:      1 key: %s;  10,000 keys: %s\n' "$(summary "${cpuratios[one]}")" "$(summary "${cpuratios[keys]}")"

printf '\nadded latency: wrk -t1 -c1 (no queueing), 5s each             p99 (ms)\n'
run bare-lat "$bare/hooks/t1" "$tmp/one.lua" 1 5 bare
run one-lat "$one/hooks/t1" "$tmp/one.lua" 1 5 one
run keys-lat "$keys/" "$(keys_lua lat)" 1 5 keys
printf '  %-52s %12s\n' "bare net/http handler" "$(p99 "$tmp/bare-lat.wrk")"
printf '  %-52s %12s\n' "hooklimit serve, 1 key" "$(p99 "$tmp/one-lat.wrk")"
printf '  %-52s %12s\n' "hooklimit serve, 10,000 keys" "$(p99 "$tmp/keys-lat.wrk")"
printf '  p99 added by serve: %.3f ms (1 key), %.3f ms (10,000 keys)\n' \
	"$(echo "$(p99 "$tmp/one-lat.wrk") - $(p99 "$tmp/bare-lat.wrk")" | bc -l)" \
	"$(echo "$(p99 "$tmp/keys-lat.wrk") - $(p99 "$tmp/bare-lat.wrk")" | bc -l)"
printf 'load average (1, 5, 15 min) after: %s\n' "$(load)"

# Stop serve (Ctrl-C: it reports, exit 130) and read what it recorded.
for p in "${pids[1]}" "${pids[2]}"; do kill -INT "$p"; done
wait "${pids[1]}" "${pids[2]}" || true
field() { grep -o -m1 "\"$2\": [0-9]*" "$tmp/$1.out" | tr -dc 0-9; }
# wrk does not count the requests in flight when a run stops, which serve
# answers and records: up to CONNS a run more.
printf '\nrecorded by serve (wrk completed / serve recorded / dropped / admitted):\n'
printf '  1 key:       %s / %s / %s / %s\n' "${sent[one]}" "$(field one total)" "$(field one dropped)" "$(field one accepted)"
printf '  10,000 keys: %s / %s / %s / %s\n' "${sent[keys]}" "$(field keys total)" "$(field keys dropped)" "$(field keys accepted)"
for c in one keys; do
	if [ "$(field $c total)" -lt "${sent[$c]}" ] || [ "$(field $c dropped)" != 0 ]; then
		echo "  LOST: serve $c recorded fewer requests than wrk completed" >&2
	fi
done

if [ -n "${HOOKLIMIT:-}" ]; then
	printf '\nmemory: skipped, BenchmarkDistinctKeys1e6 measures this tree, not %s\n' "$HOOKLIMIT"
	exit 0
fi
printf '\nmemory with 1,000,000 distinct keys (go test -bench BenchmarkDistinctKeys1e6 ./receiver):\n'
go test -run '^$' -bench 'BenchmarkDistinctKeys1e6' -benchtime 1x ./receiver | grep -E '^Benchmark' |
	tr '\t' '\n' | sed -n 's/^ *\([0-9.]*\) \(heap-MB\|peak-heap-MB\|partitions\|keys-reported\|ns\/request\)$/  \2: \1/p'
