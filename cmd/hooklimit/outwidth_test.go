package main

import (
	"bytes"
	"testing"
)

// TestOutWidth: COLUMNS when it is a positive number; otherwise no limit
// for output that is not a terminal (a pipe, a file, a buffer).
func TestOutWidth(t *testing.T) {
	for _, tt := range []struct {
		columns string
		set     bool
		want    int
	}{
		{"80", true, 80},
		{" 132 ", true, 132},
		{"", true, 0},
		{"0", true, 0},
		{"-5", true, 0},
		{"wide", true, 0},
		{"", false, 0},
	} {
		env := func(k string) (string, bool) {
			if k == "COLUMNS" {
				return tt.columns, tt.set
			}
			return "", false
		}
		if got := outWidth(new(bytes.Buffer), env); got != tt.want {
			t.Errorf("COLUMNS=%q (set %v): width %d, want %d", tt.columns, tt.set, got, tt.want)
		}
	}
}
