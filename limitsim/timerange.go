package limitsim

import (
	"math"
	"time"
)

// The range of times, in Unix nanoseconds, that limits are simulated and
// traffic is analysed at, and the longest period a limit may have. Readers
// reject a time outside [MinTime, MaxTime] and Limit.Validate a Per longer
// than MaxPer, so that within the tool:
//
//   - t ± k·Per never overflows an int64 for any accepted time t and any k
//     up to MaxPeriods (there are more than 72 years to spare at each end);
//   - the difference of any two accepted times fits in an int64 (the range
//     spans 290 years, less than the 292 an int64 of nanoseconds holds).
//
// The range is 1900-01-01T00:00:00Z up to, not including,
// 2190-01-01T00:00:00Z.
const (
	MinTime int64 = -2_208_988_800 * int64(time.Second)  // 1900-01-01T00:00:00Z
	MaxTime int64 = 6_942_585_600*int64(time.Second) - 1 // 2189-12-31T23:59:59.999999999Z
	MaxPer        = 366 * 24 * time.Hour
	// MaxPeriods is how many periods of MaxPer fit on either side of the
	// range with room to spare.
	MaxPeriods = 70
)

// TimeRangeText is the range of MinTime and MaxTime, for messages. It
// names exactly the first and the last time accepted.
const TimeRangeText = "from 1900-01-01T00:00:00Z to 2189-12-31T23:59:59.999999999Z"

// InTimeRange reports whether t lies within [MinTime, MaxTime].
func InTimeRange(t int64) bool { return t >= MinTime && t <= MaxTime }

// addSat returns a + b for b >= 0, saturating at Never.
func addSat(a, b int64) int64 {
	if a > 0 && b > math.MaxInt64-a {
		return Never
	}
	return a + b
}

// mulSat returns a·b for a, b >= 0, saturating at Never.
func mulSat(a, b int64) int64 {
	if a != 0 && b > math.MaxInt64/a {
		return Never
	}
	return a * b
}
