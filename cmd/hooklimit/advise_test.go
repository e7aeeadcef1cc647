package main

import (
	"os"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"
)

// cmdAdvised is the script command "advised FILE": it writes to FILE, as a
// shell script that stops at the first failure, every command line the
// last command's standard output offers as one that would pass (the line
// after the outcome "PASS, 0 lost, 0 429s"), exactly as printed. It fails
// when there is none.
func cmdAdvised(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: advised FILE")
	}
	lines := strings.Split(ts.ReadFile("stdout"), "\n")
	script := "set -e\n"
	n := 0
	for i := 1; i < len(lines); i++ {
		cmd := strings.TrimSpace(lines[i])
		if strings.HasPrefix(cmd, "hooklimit run ") && strings.Contains(lines[i-1], "PASS, 0 lost, 0 429s") {
			script += cmd + "\n"
			n++
		}
	}
	if n == 0 {
		ts.Fatalf("advised: no command offered as passing in stdout")
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), []byte(script), 0o644))
}
