#!/usr/bin/env bash
# bench/http.sh: how many requests a second does `hooklimit run --target`
# send over loopback, beside vegeta and wrk against the same sink?
#
#   bench/http.sh [SECONDS] [RATE] [SATURATE]   (defaults 10, 1000, 50000)
#
# It starts bench/sink (a loopback server that answers 200 and keeps
# connections alive), then runs, each for SECONDS against the sink:
#
#   paced      hooklimit and vegeta at the open-model rate RATE/s: both
#              should achieve RATE; the ratio should be 1.00;
#   saturated  hooklimit and vegeta at SATURATE/s, more than loopback can
#              take, with at most CONNS (default 256) requests in flight;
#              and wrk, a closed loop over CONNS connections.
#
# and prints each tool's achieved requests a second and the ratios
# hooklimit/vegeta and hooklimit/wrk. bench/README.md says what each number
# means. vegeta v12.13.0 is installed with `go install` into a temporary
# GOBIN; wrk and jq come from Debian's packages when missing. All traffic
# goes to 127.0.0.1.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

secs=${1:-10}
rate=${2:-1000}
sat=${3:-50000}
conns=${CONNS:-256}
threads=$(nproc)
tmp=$(mktemp -d)
sink_pid=
cleanup() {
	if [ -n "$sink_pid" ]; then
		kill "$sink_pid" 2>/dev/null || true
		wait "$sink_pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

need() {
	command -v "$1" >/dev/null 2>&1 || {
		echo "installing $2" >&2
		(apt-get update -qq && apt-get install -y -qq "$2") >/dev/null
	}
}
need wrk wrk
need jq jq

echo "building hooklimit and the sink; installing vegeta v12.13.0" >&2
go build -o "$tmp/hooklimit" ./cmd/hooklimit
go build -o "$tmp/sink" ./bench/sink
GOBIN="$tmp/bin" GOFLAGS= go install github.com/tsenart/vegeta/v12@v12.13.0
vegeta="$tmp/bin/vegeta"

"$tmp/sink" -max-life "$((secs * 10 + 120))s" >"$tmp/sink.out" &
sink_pid=$!
for _ in $(seq 50); do
	[ -s "$tmp/sink.out" ] && break
	sleep 0.1
done
base=$(head -n1 "$tmp/sink.out")
case $base in
http://127.0.0.1:*) ;;
*) echo "the sink did not start: $base" >&2 && exit 3 ;;
esac
url="$base/hooks/t1"

# The body every tool sends: 512 bytes of JSON, hooklimit's default size.
pad=$(head -c 484 /dev/zero | tr '\0' x)
printf '{"eventId":"evt-1","pad":"%s"}' "$pad" >"$tmp/body.json"
echo "POST $url" >"$tmp/targets"
cat >"$tmp/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = [[$(cat "$tmp/body.json")]]
LUA

# hooklimit RATE: runs hooklimit at RATE/s for secs and prints its
# requests, its achieved requests a second (attempts over the wall time of
# the run) and how it was run: "cli", or "engine" when the run command
# failed and probe.Engine with its HTTPTarget was run on its own, through its benchmark
# BenchmarkHTTPTarget (no CLI, no report: the sender alone).
hooklimit() {
	local t0 t1 code=0 attempts
	t0=$(date +%s.%N)
	"$tmp/hooklimit" run steady --rate "$1" --duration "${secs}s" --target "$url" --retry none --format json \
		>"$tmp/hl.json" 2>"$tmp/hl.err" || code=$?
	t1=$(date +%s.%N)
	attempts=$(jq -r 'first(.. | objects | .delivery? | objects | .attempts) // empty' "$tmp/hl.json" 2>/dev/null | head -n1 || true)
	if [ -n "$attempts" ] && { [ "$code" -eq 0 ] || [ "$code" -eq 1 ]; }; then
		echo "$attempts $(echo "$attempts / ($t1 - $t0)" | bc -l) cli"
		return 0
	fi
	echo "note: \`hooklimit run steady --rate $1 --target URL\` failed (exit $code): $(head -n1 "$tmp/hl.err")" >&2
	echo "      running probe.Engine with its HTTPTarget alone instead (go test -bench HTTPTarget)" >&2
	[ -x "$tmp/probe.test" ] || go test -c -o "$tmp/probe.test" ./probe
	HOOKLIMIT_BENCH_URL="$url" HOOKLIMIT_BENCH_RATE="$1" HOOKLIMIT_BENCH_SECONDS="$secs" \
		"$tmp/probe.test" -test.run='^$' -test.bench='^BenchmarkHTTPTarget$' -test.benchtime=1x >"$tmp/engine.out" 2>&1 || {
		echo "note: the engine benchmark failed too: $(tail -n3 "$tmp/engine.out")" >&2
		return 0
	}
	awk '/^BenchmarkHTTPTarget/ { for (i = 2; i <= NF; i++) { if ($i == "requests") r = $(i-1); if ($i == "req/s") s = $(i-1) } }
		END { if (r != "") print r, s, "engine" }' "$tmp/engine.out"
}

# vegeta RATE: runs vegeta attack at RATE/s for secs and prints its
# requests and its achieved rate (requests over the attack's duration).
vegeta() {
	"$vegeta" attack -targets="$tmp/targets" -body="$tmp/body.json" -header="Content-Type: application/json" \
		-rate="$1" -duration="${secs}s" -max-workers="$conns" -connections="$conns" |
		"$vegeta" report -type=json >"$tmp/vegeta.json"
	jq -r '"\(.requests) \(.rate)"' "$tmp/vegeta.json"
}

# wrk: runs wrk for secs over conns connections and prints its requests
# and requests a second.
wrk_run() {
	wrk -t"$threads" -c"$conns" -d"${secs}s" -s "$tmp/post.lua" "$url" >"$tmp/wrk.out"
	local reqs rps
	reqs=$(awk '/requests in/ {print $1}' "$tmp/wrk.out")
	rps=$(awk '/^Requests\/sec:/ {print $2}' "$tmp/wrk.out")
	echo "$reqs $rps"
}

row() { # NAME "REQUESTS RATE [HOW]"
	if [ -z "$2" ]; then
		printf '  %-46s %10s %12s\n' "$1" "-" "-"
		return
	fi
	set -- "$1" $2
	local name=$1
	[ "${4:-}" = engine ] && name="hooklimit engine alone (go test)"
	printf '  %-46s %10.0f %12.1f\n' "$name" "$2" "$3"
}
ratio() { # NAME "A_REQ A_RATE" "B_REQ B_RATE"
	if [ -z "$2" ] || [ -z "$3" ]; then
		printf '  %-28s %s\n' "$1" "n/a (a run failed)"
	else
		printf '  %-28s %.2f\n' "$1" "$(echo "$(echo "$2" | cut -d' ' -f2) / $(echo "$3" | cut -d' ' -f2)" | bc -l)"
	fi
}

echo "sink $base; $secs s per run; 512-byte POST bodies; $(nproc) CPUs"
echo
echo "paced: open model at $rate/s                       requests    requests/s"
hl=$(hooklimit "$rate")
row "hooklimit run steady --rate $rate" "$hl"
vg=$(vegeta "$rate")
row "vegeta attack -rate=$rate" "$vg"
ratio "hooklimit / vegeta" "$hl" "$vg"
echo
echo "saturated: open model at $sat/s, $conns in flight   requests    requests/s"
hl=$(hooklimit "$sat")
row "hooklimit run steady --rate $sat" "$hl"
vg=$(vegeta "$sat")
row "vegeta attack -rate=$sat -max-workers=$conns" "$vg"
wk=$(wrk_run)
row "wrk -c$conns (closed loop)" "$wk"
ratio "hooklimit / vegeta" "$hl" "$vg"
ratio "hooklimit / wrk" "$hl" "$wk"
