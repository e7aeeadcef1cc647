package render

import (
	"io"
	"strings"

	"github.com/hooklimit/hooklimit/internal/numfmt"
	"github.com/hooklimit/hooklimit/probe/retry"
	"github.com/hooklimit/hooklimit/scenarios"
)

// ScenarioList writes the built-in scenarios and the retry policies, as
// `hooklimit scenarios` prints them (JSON: {"scenarios": [...],
// "retry_policies": [...]}).
func ScenarioList(w io.Writer, f Format, shapes []scenarios.ShapeInfo, policies []retry.PolicyInfo, opts ...Option) error {
	return fitted(w, f, opts, func(w io.Writer) error { return scenarioList(w, f, shapes, policies) })
}

func scenarioList(w io.Writer, f Format, shapes []scenarios.ShapeInfo, policies []retry.PolicyInfo) error {
	if f == JSON {
		return writeJSON(w, struct {
			Scenarios []scenarios.ShapeInfo `json:"scenarios"`
			Policies  []retry.PolicyInfo    `json:"retry_policies"`
		}{shapes, policies})
	}
	p := &textPrinter{w: w, md: f == Markdown}
	t := textTable(w, f, "scenario", "what it models", "parameters (default)")
	for _, s := range shapes {
		if err := t.Append(s.Name, s.Summary, shapeParams(s)); err != nil {
			return err
		}
	}
	if err := t.Render(); err != nil {
		return err
	}
	p.blank()
	t = textTable(w, f, "retry policy", "behaviour", "parameters (default)")
	for _, pol := range policies {
		if err := t.Append(pol.Name, pol.Summary, policyParams(pol)); err != nil {
			return err
		}
	}
	if err := t.Render(); err != nil {
		return err
	}
	if f == Table {
		p.blank()
		p.linef("Run 'hooklimit scenarios show NAME' for a scenario's or policy's parameters,")
		p.linef("and 'hooklimit senders' for real senders (their retry policy, discipline and sources).")
	}
	return p.err
}

func shapeParams(s scenarios.ShapeInfo) string {
	var out []string
	for _, p := range s.Params {
		if p.Default != "" {
			out = append(out, p.Name+" ("+p.Default+")")
		} else {
			out = append(out, p.Name)
		}
	}
	return strings.Join(out, ", ")
}

func policyParams(pol retry.PolicyInfo) string {
	var out []string
	for _, p := range pol.Params {
		if p.Default != "" {
			out = append(out, p.Name+"="+p.Default)
		} else {
			out = append(out, p.Name)
		}
	}
	if len(out) == 0 {
		return "-"
	}
	return strings.Join(out, ", ")
}

// ScenarioShow writes one scenario or retry policy in full.
func ScenarioShow(w io.Writer, f Format, shape *scenarios.ShapeInfo, pol *retry.PolicyInfo, opts ...Option) error {
	return fitted(w, f, opts, func(w io.Writer) error { return scenarioShow(w, f, shape, pol) })
}

func scenarioShow(w io.Writer, f Format, shape *scenarios.ShapeInfo, pol *retry.PolicyInfo) error {
	if f == JSON {
		if shape != nil {
			return writeJSON(w, shape)
		}
		return writeJSON(w, pol)
	}
	p := &textPrinter{w: w, md: f == Markdown}
	var rows [][3]string
	if shape != nil {
		p.linef("Scenario %s: %s", p.code(shape.Name), shape.Summary)
		p.blank()
		if shape.Doc != "" {
			p.linef("%s", shape.Doc)
			p.blank()
		}
		if shape.Example != "" {
			p.linef("Example: %s", p.code(shape.Example))
			p.blank()
		}
		for _, q := range shape.Params {
			rows = append(rows, [3]string{"--" + q.Name, numfmt.DashIfEmpty(q.Default), q.Doc})
		}
	} else {
		p.linef("Retry policy %s: %s", p.code(pol.Name), pol.Summary)
		if pol.Source != "" {
			p.linef("Source: %s", pol.Source)
		}
		p.blank()
		for _, q := range pol.Params {
			rows = append(rows, [3]string{q.Name, numfmt.DashIfEmpty(q.Default), q.Summary})
		}
	}
	if p.err != nil {
		return p.err
	}
	if len(rows) == 0 {
		p.linef("No parameters.")
		return p.err
	}
	t := textTable(w, f, "parameter", "default", "meaning")
	for _, r := range rows {
		if err := t.Append(r[0], r[1], r[2]); err != nil {
			return err
		}
	}
	if err := t.Render(); err != nil {
		return err
	}
	return p.err
}
