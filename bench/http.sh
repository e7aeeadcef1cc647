#!/usr/bin/env bash
# bench/http.sh: does `hooklimit run --target` keep its schedule, and how
# many requests a second can it send over loopback, beside vegeta and wrk
# against the same sink?
#
#   bench/http.sh [SECONDS] [RATES] [SATURATE]   (defaults 10, 1000,5000, 50000)
#
# It starts bench/sink (a loopback server that answers 200 and keeps
# connections alive), then runs, each for SECONDS against the sink:
#
#   paced      hooklimit and vegeta at each open-model rate of RATES (a
#              comma-separated list): both should achieve the rate, and
#              send each request when it is due;
#   saturated  hooklimit and vegeta at SATURATE/s, more than loopback can
#              take, with at most CONNS (default 256) requests in flight;
#              and wrk, a closed loop over CONNS connections.
#
# Paced, it prints each run's achieved rate, CPU seconds and lateness
# (p50, p99 and max of send time minus due time, measured the same way for
# both tools by bench/lateness from each request's send time), then the min
# and median of the ratios, and the stalls: sends held up by more than
# 1 ms, which vegeta then catches up in a burst without bound, and
# hooklimit within the windows of its profile (rewst by default): at once
# where the plan is over the profile's limits, as this script's plans are
# over rewst's; a window later for some sends where a plan within the
# limits fills them. Saturated, each tool's achieved requests a
# second and the ratios hooklimit/vegeta and hooklimit/wrk. bench/README.md
# says what each number means. HOOKLIMIT=PATH measures another build of
# hooklimit; PROFILE=NAME|FILE judges its runs against another profile
# (bench/roomy.yaml: one the plans fit in); SATURATE=0 skips the saturated part. vegeta v12.13.0 is
# installed with `go install` into a temporary GOBIN; wrk and jq come from
# Debian's packages when missing. All traffic goes to 127.0.0.1.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

secs=${1:-10}
rates=${2:-1000,5000}
sat=${3:-50000}
conns=${CONNS:-256}
threads=$(nproc)
profile=()
if [ -n "${PROFILE:-}" ]; then profile=(--profile "$PROFILE"); fi
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
if [ -n "${HOOKLIMIT:-}" ]; then
	cp "$HOOKLIMIT" "$tmp/hooklimit"
else
	go build -o "$tmp/hooklimit" ./cmd/hooklimit
fi
go build -o "$tmp/sink" ./bench/sink
go build -o "$tmp/lateness" ./bench/lateness
GOBIN="$tmp/bin" GOFLAGS='' go install github.com/tsenart/vegeta/v12@v12.13.0
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
	local t0 t1 code=0 attempts cpu p99
	t0=$(date +%s.%N)
	/usr/bin/time -f "%U %S" -o "$tmp/hl.time" "$tmp/hooklimit" run steady --rate "$1" --duration "${secs}s" --target "$url" "${profile[@]}" --retry none --format json \
		>"$tmp/hl.json" 2>"$tmp/hl.err" || code=$?
	t1=$(date +%s.%N)
	attempts=$(jq -r 'first(.. | objects | .delivery? | objects | .attempts) // empty' "$tmp/hl.json" 2>/dev/null | head -n1 || true)
	if [ -n "$attempts" ] && { [ "$code" -eq 0 ] || [ "$code" -eq 1 ]; }; then
		cpu=$(awk 'END {print $1 + $2}' "$tmp/hl.time")
		p99=$(jq -r 'first(.. | objects | .delivery? | objects | .latency_from_intended.p99_ms) // 0' "$tmp/hl.json" | head -n1)
		echo "$attempts $(echo "$attempts / ($t1 - $t0)" | bc -l) cli $cpu $p99"
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
	/usr/bin/time -f "%U %S" -o "$tmp/vg.time" "$vegeta" attack -targets="$tmp/targets" -body="$tmp/body.json" -header="Content-Type: application/json" \
		-rate="$1" -duration="${secs}s" -max-workers="$conns" -connections="$conns" >"$tmp/vg.bin"
	"$vegeta" report -type=json <"$tmp/vg.bin" >"$tmp/vegeta.json"
	jq -r --arg cpu "$(awk 'END {print $1 + $2}' "$tmp/vg.time")" '"\(.requests) \(.rate) vegeta \($cpu) \(.latencies["99th"] / 1e6)"' "$tmp/vegeta.json"
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
	# shellcheck disable=SC2086 # $2 is split into its fields on purpose
	set -- "$1" $2
	local name=$1
	[ "${4:-}" = engine ] && name="hooklimit engine alone (go test)"
	printf '  %-46s %10.0f %12.1f' "$name" "$2" "$3"
	[ -n "${5:-}" ] && printf '  %6.2f CPU-s' "$5"
	printf '\n'
}

# awk_stats defines the awk functions med (the median), minof and maxof of the
# first n elements of an array, for the summaries below.
awk_stats='
	function med(a, n,   i, j, t) {
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	function minof(a, n,   i, m) { m = a[1]; for (i = 2; i <= n; i++) if (a[i] < m) m = a[i]; return m }
	function maxof(a, n,   i, m) { m = a[1]; for (i = 2; i <= n; i++) if (a[i] > m) m = a[i]; return m }
'

# alternate HL VG ROW OUT RATE runs the two tools in turn (HL RATE, then
# VG RATE) PAIRS times, prints each run with ROW, and keeps in OUT the
# pairs where both ran; it fails when none did.
alternate() {
	local hlrun=$1 vgrun=$2 rowfn=$3 out=$4 r=$5 hl vg
	: >"$out"
	for _ in $(seq "$pairs"); do
		hl=$("$hlrun" "$r")
		vg=$("$vgrun" "$r")
		"$rowfn" "hooklimit run steady --rate $r" "$hl"
		"$rowfn" "vegeta attack -rate=$r" "$vg"
		if [ -n "$hl" ] && [ -n "$vg" ]; then echo "$hl $vg" >>"$out"; fi
	done
	[ -s "$out" ]
}

# pairs NAME RATE: runs hooklimit and vegeta in turn, A B A B, $pairs
# times, and prints each run, then the min and median of the ratios of
# their achieved rates and of their CPU seconds, and each one's p99
# latency (hooklimit's from when each request was due, so its lateness is
# in it; vegeta's from when it sent).
pairs() {
	local name=$1 r=$2
	if ! alternate hooklimit vegeta row "$tmp/pairs" "$r"; then
		echo "  $name: n/a (a run failed)"
		return
	fi
	# columns: 1 requests, 2 rate, 3 how, 4 CPU-s, 5 p99 ms (hooklimit); 6-10 the same of vegeta
	awk -v name="$name" "$awk_stats"'
		{ n++; rr[n] = $2 / $7; cr[n] = ($9 > 0 ? $4 / $9 : 0); hp = hp sprintf(" %.1f", $5); vp = vp sprintf(" %.2f", $10) }
		END {
			lo = rr[1]; lc = cr[1]
			for (i = 1; i <= n; i++) { r2[i] = rr[i]; c2[i] = cr[i]; if (rr[i] < lo) lo = rr[i]; if (cr[i] < lc) lc = cr[i] }
			printf "  %s, %d pairs: rate hooklimit/vegeta min %.3f, median %.3f; CPU hooklimit/vegeta min %.2f, median %.2f\n", name, n, lo, med(r2, n), lc, med(c2, n)
			printf "  p99 latency (ms): hooklimit, from when due:%s; vegeta:%s\n", hp, vp
		}' "$tmp/pairs"
}

# hl_paced RATE and vg_paced RATE run hooklimit (writing every attempt
# with --out) and vegeta at RATE/s for secs, and print the requests, the
# achieved rate, the CPU seconds (user + sys), the p50, p99 and max
# lateness in ms, and the stalls and their sum in ms, all but the CPU from
# bench/lateness.
hl_paced() {
	local code=0
	/usr/bin/time -f "%U %S" -o "$tmp/hl.time" "$tmp/hooklimit" run steady --rate "$1" --duration "${secs}s" --target "$url" "${profile[@]}" --retry none --format json --quiet \
		--out "$tmp/hl.jsonl" >"$tmp/hl.json" 2>"$tmp/hl.err" || code=$?
	if [ "$code" -ne 0 ] && [ "$code" -ne 1 ]; then
		echo "note: \`hooklimit run steady --rate $1 --target URL\` failed (exit $code): $(head -n1 "$tmp/hl.err")" >&2
		return 0
	fi
	"$tmp/lateness" -rate "$1" <"$tmp/hl.jsonl" | awk -v cpu="$(awk 'END {print $1 + $2}' "$tmp/hl.time")" '{print $1, $2, cpu, $3, $4, $5, $6, $7}'
}
vg_paced() {
	/usr/bin/time -f "%U %S" -o "$tmp/vg.time" "$vegeta" attack -targets="$tmp/targets" -body="$tmp/body.json" -header="Content-Type: application/json" \
		-rate="$1" -duration="${secs}s" -max-workers="$conns" -connections="$conns" >"$tmp/vg.bin"
	"$vegeta" encode -to json <"$tmp/vg.bin" | "$tmp/lateness" -rate "$1" | awk -v cpu="$(awk 'END {print $1 + $2}' "$tmp/vg.time")" '{print $1, $2, cpu, $3, $4, $5, $6, $7}'
}

prow() { # NAME "REQUESTS RATE CPU P50 P99 MAX STALLS STALLED"
	if [ -z "$2" ]; then
		printf '  %-34s %8s\n' "$1" "-"
		return
	fi
	# shellcheck disable=SC2086 # $2 is split into its fields on purpose
	set -- "$1" $2
	printf '  %-34s %8d %9.1f %7.2f %8.3f %8.3f %8.3f %6d %8.1f\n' "$1" "$2" "$3" "$4" "$5" "$6" "$7" "$8" "$9"
}

# paced RATE: hooklimit and vegeta in turn, A B A B, $pairs times, at
# RATE/s; then the min and median of hooklimit/vegeta of the CPU seconds
# and of each tool's achieved rate over the plan, p50 and p99 lateness.
paced() {
	local r=$1
	echo "paced: open model at $r/s, $secs s            requests    rate/s   CPU-s  p50 late  p99 late  max late stalls  stalled (ms)"
	if ! alternate hl_paced vg_paced prow "$tmp/paced" "$r"; then
		echo "  paced at $r/s: n/a (a run failed)"
		return
	fi
	# columns: 1 requests, 2 rate, 3 CPU-s, 4 p50, 5 p99, 6 max, 7 stalls, 8 stalled (hooklimit); 9-16 the same of vegeta
	awk -v r="$r" "$awk_stats"'
		{ n++; cr[n] = ($11 > 0 ? $3 / $11 : 0); hr[n] = $2 / r; vr[n] = $10 / r; h50[n] = $4; h99[n] = $5; v50[n] = $12; v99[n] = $13; hs[n] = $7; vs[n] = $15 }
		END {
			printf "  CPU hooklimit/vegeta: min %.2f, median %.2f (%d pairs)\n", minof(cr, n), med(cr, n), n
			printf "  rate / plan: hooklimit min %.4f, median %.4f; vegeta min %.4f, median %.4f\n", minof(hr, n), med(hr, n), minof(vr, n), med(vr, n)
			printf "  p99 late (ms): hooklimit median %.3f, max %.3f; vegeta median %.3f, max %.3f\n", med(h99, n), maxof(h99, n), med(v99, n), maxof(v99, n)
			printf "  p50 late (ms): hooklimit median %.3f; vegeta median %.3f\n", med(h50, n), med(v50, n)
			printf "  stalls (a send held up by more than 1 ms): hooklimit median %d; vegeta median %d\n", med(hs, n), med(vs, n)
		}' "$tmp/paced"
}

pairs=${PAIRS:-3}
echo "sink $base; $secs s per run; 512-byte POST bodies; hooklimit judged against ${PROFILE:-rewst}; $(nproc) CPUs; load $(cut -d' ' -f1-3 /proc/loadavg)"
for r in ${rates//,/ }; do
	echo
	paced "$r"
done
[ "$sat" -gt 0 ] || exit 0
echo
echo "saturated: open model at $sat/s, $conns in flight   requests    requests/s"
pairs "saturated" "$sat"
wk=$(wrk_run)
row "wrk -c$conns (closed loop)" "$wk"
