#!/usr/bin/env bash
# bench/run.sh: the virtual-time simulator at scale. Runs `hooklimit run`
# against the Rewst simulator with 10,000,000 attempts and prints the time,
# attempts a second and peak memory (max RSS), which must stay under 200 MB.
#
#   bench/run.sh [EVENTS]     (default 10,000,000)
#
# Needs GNU time (/usr/bin/time, Debian package "time"); installs it when
# missing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

events=${1:-10000000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
[ -x /usr/bin/time ] || { (apt-get update -qq && apt-get install -y -qq time) >/dev/null; }
go build -o "$tmp/hooklimit" ./cmd/hooklimit

# 1,000 events a second over 100 triggers (10/s each, under 25/s) for as
# long as it takes, plus a second run where every trigger is over its limit
# and the retry queue is busy.
bench() {
	local name=$1
	shift
	/usr/bin/time -f "%e %M" -o "$tmp/time" "$tmp/hooklimit" run "$@" --format json --quiet >"$tmp/out.json" || true
	read -r secs kb < <(tail -n 1 "$tmp/time")
	attempts=$(grep -m1 '"attempts":' "$tmp/out.json" | tr -dc 0-9)
	printf '%-34s %10s attempts %7.2f s %10.0f attempts/s %7.1f MB max RSS\n' "$name" "$attempts" "$secs" \
		"$(echo "$attempts / $secs" | bc -l)" "$(echo "$kb / 1024" | bc -l)"
}
secs=$((events / 1000))
bench "steady, under the limit" steady --rate 1000 --duration "${secs}s" --keys 100 --profile rewst --retry none
bench "steady, over the limit, retrying" steady --rate 260 --duration "$((events / 20000))s" --keys 10 --profile rewst --retry retry-after
