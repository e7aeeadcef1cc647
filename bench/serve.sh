#!/usr/bin/env bash
# bench/serve.sh: `hooklimit serve` under wrk with keep-alive, beside a bare
# net/http handler (bench/servebare) measured in the same run on the same
# machine, and the receiver's memory with 1,000,000 distinct keys.
#
#   bench/serve.sh [SECONDS]      (default 10 per throughput run)
#   CONNS=128 bench/serve.sh      (connections for the throughput runs; default 64)
#
# Throughput: wrk -t1 -cCONNS, keep-alive, a JSON POST of about 80 bytes,
# against
#   - the bare server;
#   - serve --profile rewst on one key (/hooks/t1), the same body (so one
#     event id) every time: nearly every request is a 429 with Retry-After
#     and an early retry, the worst case for the recorder's bookkeeping;
#   - serve on 10,000 keys (/hooks/t0../hooks/t9999) with an event id of its
#     own in each body, by a wrk Lua script: at these rates every key stays
#     under 25/s, so nearly all are admitted: the realistic case.
# and prints requests a second and serve / bare. Every request serve answers
# is recorded: the script checks serve's own count against wrk's.
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

secs=${1:-10}
conns=${CONNS:-64}
command -v wrk >/dev/null 2>&1 || { (apt-get update -qq && apt-get install -y -qq wrk) >/dev/null; }

tmp=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT

go build -o "$tmp/hooklimit" ./cmd/hooklimit
go build -o "$tmp/bare" ./bench/servebare

body='{"id":"evt-1","type":"ticket.updated","data":{"ticket":42,"status":"closed"}}'
cat >"$tmp/one.lua" <<EOF
wrk.method = "POST"
wrk.body = '$body'
wrk.headers["Content-Type"] = "application/json"
EOF
cat >"$tmp/keys.lua" <<EOF
local n = 0
request = function()
  n = n + 1
  local body = '{"id":"evt-' .. n .. '","type":"ticket.updated","data":{"ticket":42,"status":"closed"}}'
  return wrk.format("POST", "/hooks/t" .. (n % 10000), {["Content-Type"] = "application/json"}, body)
end
EOF

# start NAME CMD...: runs a server, waits for the URL on its first line.
start() {
	local name=$1
	shift
	"$@" >"$tmp/$name.out" 2>"$tmp/$name.err" &
	pids+=($!)
	for _ in $(seq 100); do
		url=$(grep -o -m1 'http://127\.0\.0\.1:[0-9]*' "$tmp/$name.out" 2>/dev/null || true)
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
start one "$tmp/hooklimit" serve --profile rewst --listen 127.0.0.1:0 --format json
one=$url
start keys "$tmp/hooklimit" serve --profile rewst --listen 127.0.0.1:0 --format json
keys=$url

run() { # NAME URL SCRIPT CONNS SECONDS
	wrk -t1 -c"$4" -d"$5"s --latency -s "$3" "$2" >"$tmp/$1.wrk"
}
run bare "$bare/hooks/t1" "$tmp/one.lua" "$conns" "$secs"
run one "$one/hooks/t1" "$tmp/one.lua" "$conns" "$secs"
run keys "$keys/" "$tmp/keys.lua" "$conns" "$secs"
run bare-lat "$bare/hooks/t1" "$tmp/one.lua" 1 5
run one-lat "$one/hooks/t1" "$tmp/one.lua" 1 5
run keys-lat "$keys/" "$tmp/keys.lua" 1 5

# Stop serve (Ctrl-C: it reports, exit 130) and read what it recorded.
for p in "${pids[1]}" "${pids[2]}"; do kill -INT "$p"; done
wait "${pids[1]}" "${pids[2]}" || true
field() { grep -o -m1 "\"$2\": [0-9]*" "$tmp/$1.out" | tr -dc 0-9; }
one_rec=$(field one total) one_drop=$(field one dropped) one_ok=$(field one accepted)
keys_rec=$(field keys total) keys_drop=$(field keys dropped) keys_ok=$(field keys accepted)
one_sent=$(($(total "$tmp/one.wrk") + $(total "$tmp/one-lat.wrk")))
keys_sent=$(($(total "$tmp/keys.wrk") + $(total "$tmp/keys-lat.wrk")))

printf '\nthroughput: wrk -t1 -c%s, keep-alive, %ss each          requests/s   p99 (ms)\n' "$conns" "$secs"
printf '  %-52s %12s %10s\n' "bare net/http handler" "$(rps "$tmp/bare.wrk")" "$(p99 "$tmp/bare.wrk")"
printf '  %-52s %12s %10s\n' "hooklimit serve, 1 key (nearly all 429)" "$(rps "$tmp/one.wrk")" "$(p99 "$tmp/one.wrk")"
printf '  %-52s %12s %10s\n' "hooklimit serve, 10,000 keys (nearly all admitted)" "$(rps "$tmp/keys.wrk")" "$(p99 "$tmp/keys.wrk")"
printf '  serve / bare: %.2f (1 key), %.2f (10,000 keys)\n' \
	"$(echo "$(rps "$tmp/one.wrk") / $(rps "$tmp/bare.wrk")" | bc -l)" \
	"$(echo "$(rps "$tmp/keys.wrk") / $(rps "$tmp/bare.wrk")" | bc -l)"

printf '\nadded latency: wrk -t1 -c1 (no queueing), 5s each             p99 (ms)\n'
printf '  %-52s %12s\n' "bare net/http handler" "$(p99 "$tmp/bare-lat.wrk")"
printf '  %-52s %12s\n' "hooklimit serve, 1 key" "$(p99 "$tmp/one-lat.wrk")"
printf '  %-52s %12s\n' "hooklimit serve, 10,000 keys" "$(p99 "$tmp/keys-lat.wrk")"
printf '  p99 added by serve: %.3f ms (1 key), %.3f ms (10,000 keys)\n' \
	"$(echo "$(p99 "$tmp/one-lat.wrk") - $(p99 "$tmp/bare-lat.wrk")" | bc -l)" \
	"$(echo "$(p99 "$tmp/keys-lat.wrk") - $(p99 "$tmp/bare-lat.wrk")" | bc -l)"

printf '\nrecorded by serve (wrk completed / serve recorded / dropped / admitted):\n'
printf '  1 key:       %s / %s / %s / %s\n' "$one_sent" "$one_rec" "$one_drop" "$one_ok"
printf '  10,000 keys: %s / %s / %s / %s\n' "$keys_sent" "$keys_rec" "$keys_drop" "$keys_ok"

printf '\nmemory with 1,000,000 distinct keys (go test -bench BenchmarkDistinctKeys1e6 ./receiver):\n'
go test -run '^$' -bench 'BenchmarkDistinctKeys1e6' -benchtime 1x ./receiver | grep -E '^Benchmark' |
	tr '\t' '\n' | sed -n 's/^ *\([0-9.]*\) \(heap-MB\|peak-heap-MB\|partitions\|keys-reported\|ns\/request\)$/  \2: \1/p'
