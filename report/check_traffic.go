package report

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/hooklimit/hooklimit/internal/exitcode"
	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/scenarios"
)

// CheckOptions are the choices of one check of recorded traffic.
type CheckOptions struct {
	// Files names the inputs, as the result records them; the first is
	// the file an empty input is reported against.
	Files []string
	// Key, when not empty, checks only that partition key.
	Key string
	// ShowKeys is how many keys get rows, the worst first (0: every key).
	ShowKeys int
	// Thresholds are applied to the result.
	Thresholds []Threshold
	// Now is the clock that dates an interruption.
	Now func() time.Time
}

// checkPollEvery is how many records CheckTraffic reads between two looks
// at its context: often enough to stop within milliseconds of an
// interrupt, rarely enough to cost nothing per record.
const checkPollEvery = 1 << 16

// checkBatch is how many records the reading goroutine hands over at once:
// enough that the hand-over costs nothing per record, few enough that
// both goroutines are busy from the first milliseconds.
const checkBatch = 2048

// batchReader reads records on its own goroutine and hands them over in
// batches, so that parsing the input and analysing it use two cores. Its
// fields other than the channels may be read once batches is closed.
type batchReader struct {
	batches     chan []scenarios.Record // closed after the last batch
	free        chan []scenarios.Record // batches handed back for reuse
	err         error                   // the read error that ended the input, if any
	interrupted bool                    // ctx was cancelled before the end
}

// readBatches starts reading in. The records come out in the order read;
// a read error or an interruption ends the batches after the records read
// before it.
func readBatches(ctx context.Context, in scenarios.Reader) *batchReader {
	rd := &batchReader{batches: make(chan []scenarios.Record, 4), free: make(chan []scenarios.Record, 6)}
	go func() {
		defer close(rd.batches)
		for n := 0; ; {
			var b []scenarios.Record
			select {
			case b = <-rd.free:
				b = b[:0]
			default:
				b = make([]scenarios.Record, 0, checkBatch)
			}
			for len(b) < checkBatch {
				if n%checkPollEvery == 0 && ctx.Err() != nil {
					rd.interrupted = true
					rd.batches <- b
					return
				}
				n++
				rec, err := in.Next()
				if err != nil {
					if !errors.Is(err, io.EOF) {
						rd.err = err
					}
					rd.batches <- b
					return
				}
				b = append(b, rec)
			}
			rd.batches <- b
		}
	}()
	return rd
}

// CheckTraffic reads every record of in, analyses the traffic against
// profiles and returns the result, its thresholds applied. Input.Skipped
// counts the lines in skipped.
//
// When ctx is cancelled, it stops reading and returns what it has read,
// marked incomplete (Result.Incomplete, reason CutInterrupted), which never
// passes. Otherwise, traffic of no record at all is an input error against
// opt.Files[0]: an empty export, a wrong Key or a file of invalid lines is
// a mistake, and checking nothing must not pass. A read error is returned
// as it is.
func CheckTraffic(ctx context.Context, in scenarios.Reader, profiles []*limitsim.Profile, opt CheckOptions) (*CheckResult, error) {
	an := NewAnalyzer(profiles, AnalyzerOptions{Key: opt.Key, Timeline: true, Resolution: time.Second, Sorted: true})
	rd := readBatches(ctx, in)
	for b := range rd.batches {
		for i := range b {
			an.Add(b[i])
		}
		select {
		case rd.free <- b:
		default:
		}
	}
	if rd.err != nil {
		return nil, rd.err
	}
	interrupted := rd.interrupted
	res := an.ResultWorst(opt.ShowKeys)
	res.Input.Files = opt.Files
	res.Input.Skipped = int64(in.Skipped())
	if res.Input.Records == 0 && !interrupted {
		msg := "no records to check"
		switch {
		case in.Skipped() > 0:
			msg += fmt.Sprintf(" (%d invalid line(s) skipped, the first: %v)", in.Skipped(), in.FirstSkipped()[0])
		case opt.Key != "":
			msg += fmt.Sprintf(" for key %q", opt.Key)
		}
		file := ""
		if len(opt.Files) > 0 {
			file = opt.Files[0]
		}
		return nil, &exitcode.InputError{File: file, Msg: msg}
	}
	if interrupted {
		res.Incomplete = NewIncomplete(CutInterrupted, opt.Now().UnixNano(), 0)
	}
	if err := res.ApplyThresholds(opt.Thresholds); err != nil {
		return nil, err
	}
	return res, nil
}
