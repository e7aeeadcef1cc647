package results

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/hooklimit/hooklimit/internal/exitcode"
	"github.com/hooklimit/hooklimit/report"
)

// mergeChecks merges check results whose partition keys are all
// different: each key's rows come whole from one file, so putting them
// together is exact. When a key is in two files the peaks of its
// combined traffic cannot be known from the peaks of each part, and the
// merge is refused.
func mergeChecks(files []*File) (*report.Report, error) {
	checks := make([]*report.CheckResult, len(files))
	var ths [][]report.ThresholdResult
	tls := make([]*report.Timeline, len(files))
	for i, f := range files {
		checks[i] = f.Result.(*report.CheckResult)
		ths = append(ths, checks[i].Thresholds)
		tls[i] = checks[i].Timeline
	}
	r, err := mergeCompliance(files, checks, "check results")
	if err != nil {
		return nil, err
	}
	r.Input.Files = []string{}
	for _, c := range checks {
		r.Input.Files = append(r.Input.Files, c.Input.Files...)
	}
	r.Timeline = report.MergeTimelines(tls...)
	r.ExcludedLimits = checks[0].ExcludedLimits
	list, err := mergedThresholds(ths...)
	if err != nil {
		return nil, err
	}
	if err := r.ApplyThresholds(list); err != nil {
		return nil, err
	}
	return &report.Report{Result: r, Verdict: r.Verdict, Timeline: r.Timeline}, nil
}

// mergeCompliance puts the compliance of several results together: rows,
// summaries, what each profile would reject, and the input counts. Every
// result must be of the same profiles, and every partition key in one of
// them only. what names the results in the error.
func mergeCompliance(files []*File, parts []*report.CheckResult, what string) (*report.CheckResult, error) {
	first := parts[0]
	out := &report.CheckResult{
		Kind: report.KindCheck, Profiles: slices.Clone(first.Profiles), Thresholds: []report.ThresholdResult{},
		ComplianceSection: report.ComplianceSection{Input: report.CheckInput{Files: []string{}}, Limits: []report.LimitRow{}, Summary: []report.LimitSummary{}, PolicyRejected: []report.PolicyRejection{}},
	}
	type owned struct{ profile, key string }
	owner := map[owned]int{}
	type keyRows struct {
		rows     []report.LimitRow
		policy   *report.PolicyRejection
		doc, alt float64
	}
	keys := map[owned]*keyRows{}
	var order []owned
	for i, p := range parts {
		if !slices.Equal(p.Profiles, first.Profiles) {
			return nil, &exitcode.InputError{File: files[i].Name, Msg: fmt.Sprintf("was checked against %v and %s against %v: results of different profiles do not merge", p.Profiles, files[0].Name, first.Profiles)}
		}
		seen := map[owned]bool{}
		add := func(k owned) *keyRows {
			if j, ok := owner[k]; ok && j != i {
				return nil
			}
			owner[k] = i
			kr := keys[k]
			if kr == nil {
				kr = &keyRows{}
				keys[k] = kr
				order = append(order, k)
			}
			seen[k] = true
			return kr
		}
		for _, row := range p.Limits {
			k := owned{row.Profile, row.Key}
			kr := add(k)
			if kr == nil {
				return nil, overlapErr(files, owner[k], i, row.Key, what)
			}
			kr.rows = append(kr.rows, row)
			if row.Verdict != report.VerdictUnknown {
				if row.Documented {
					kr.doc = max(kr.doc, row.PeakRatio)
				} else {
					kr.alt = max(kr.alt, row.PeakRatio)
				}
			}
		}
		for j := range p.PolicyRejected {
			pr := p.PolicyRejected[j]
			k := owned{pr.Profile, pr.Key}
			kr := add(k)
			if kr == nil {
				return nil, overlapErr(files, owner[k], i, pr.Key, what)
			}
			kr.policy = &pr
		}
		in := &p.Input
		out.Input.Records += in.Records
		out.Input.Skipped += in.Skipped
		out.Input.Filtered += in.Filtered
		out.Input.OutOfOrder += in.OutOfOrder
		if in.Records > 0 {
			if out.Input.First == 0 || in.First < out.Input.First {
				out.Input.First = in.First
			}
			out.Input.Last = max(out.Input.Last, in.Last)
		}
	}
	for _, name := range out.Profiles {
		var ks []owned
		for _, k := range order {
			if k.profile == name {
				ks = append(ks, k)
			}
		}
		out.Input.Keys = max(out.Input.Keys, len(ks)) // partitions, as the Analyzer counts them
		slices.SortStableFunc(ks, func(x, y owned) int {
			a, b := keys[x], keys[y]
			return cmp.Or(cmp.Compare(b.doc, a.doc), cmp.Compare(b.alt, a.alt), cmp.Compare(x.key, y.key))
		})
		for _, k := range ks {
			out.Limits = append(out.Limits, keys[k].rows...)
			if pr := keys[k].policy; pr != nil {
				out.PolicyRejected = append(out.PolicyRejected, *pr)
			}
		}
	}
	for _, s := range first.Summary {
		out.Summary = append(out.Summary, report.SummarizeRows(s, out.Limits))
	}
	out.Metrics = report.CheckMetricsOf(out)
	out.Settle()
	return out, nil
}

func overlapErr(files []*File, a, b int, key, what string) error {
	hint := "merge the results files run --out writes, whole: their attempt lines let report replay them as one run"
	if files[b].Kind == report.KindCheck {
		hint = "run check on the traffic files together instead (hooklimit check A B)"
	}
	return &exitcode.InputError{File: files[b].Name, Msg: fmt.Sprintf(
		"partition key %q is in %s and in %s: the peaks of their combined traffic cannot be known from the peaks of each, so these %s cannot be merged exactly; %s",
		key, files[a].Name, files[b].Name, what, hint)}
}
