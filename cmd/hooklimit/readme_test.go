package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
)

// readmeExample is one hooklimit command line shown in README.md.
type readmeExample struct {
	line int      // its line in README.md
	args []string // the words after "hooklimit"
}

// readmeExamples returns every hooklimit command line in README.md's
// console, sh and untagged blocks: in a console or untagged block, the
// lines after a "$ " prompt (output lines are not commands); in an sh
// block, every line. A
// line's comment (" # ...") is dropped; a pipeline gives its hooklimit
// stage, and a redirection ends the command ("> check.xml" is the shell's,
// not hooklimit's).
func readmeExamples(t *testing.T, readme []byte) []readmeExample {
	t.Helper()
	var out []readmeExample
	lang, inBlock := "", false
	sc := bufio.NewScanner(bytes.NewReader(readme))
	for n := 1; sc.Scan(); n++ {
		text := sc.Text()
		if fence, ok := strings.CutPrefix(text, "```"); ok {
			inBlock = !inBlock
			lang = fence
			continue
		}
		if !inBlock || (lang != "" && lang != "console" && lang != "sh") {
			continue
		}
		if lang != "sh" {
			cmd, ok := strings.CutPrefix(text, "$ ")
			if !ok {
				continue
			}
			text = cmd
		}
		words, err := shellWords(text)
		if err != nil {
			t.Fatalf("README.md:%d: %v", n, err)
		}
		for _, stage := range pipelineStages(words) {
			// VAR=value before the command sets its environment.
			for len(stage) > 0 && strings.Contains(stage[0], "=") && !strings.HasPrefix(stage[0], "-") {
				stage = stage[1:]
			}
			if len(stage) > 0 && stage[0] == "hooklimit" {
				out = append(out, readmeExample{line: n, args: stage[1:]})
			}
		}
	}
	return out
}

// pipelineStages splits a command line's words at "|", dropping each
// stage's comment and redirections.
func pipelineStages(words []string) [][]string {
	var stages [][]string
	var cur []string
	skipNext := false
	for _, w := range words {
		switch {
		case skipNext:
			skipNext = false
		case w == "#" || strings.HasPrefix(w, "#"):
			return append(stages, cur)
		case w == "|":
			stages, cur = append(stages, cur), nil
		case w == ">" || w == ">>" || w == "<" || w == "2>":
			skipNext = true
		default:
			cur = append(cur, w)
		}
	}
	return append(stages, cur)
}

// shellWords splits a line into words as a POSIX shell does for the
// README's examples: single and double quotes, backslash escapes outside
// single quotes. A quoted "#" or "|" is a word, not a comment or a pipe:
// such a word comes back with a NUL in front (see quote).
func shellWords(s string) ([]string, error) {
	var words []string
	var b strings.Builder
	inWord, quoted := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return nil, errUnclosedQuote
			}
			b.WriteString(s[i+1 : i+1+j])
			i += j + 1
			inWord, quoted = true, true
		case c == '"':
			i++
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) {
					i++
				}
				b.WriteByte(s[i])
			}
			if i >= len(s) {
				return nil, errUnclosedQuote
			}
			inWord, quoted = true, true
		case c == '\\' && i+1 < len(s):
			i++
			b.WriteByte(s[i])
			inWord = true
		case c == ' ' || c == '\t':
			if inWord {
				words = append(words, quote(b.String(), quoted))
				b.Reset()
				inWord, quoted = false, false
			}
		default:
			b.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, quote(b.String(), quoted))
	}
	return words, nil
}

// quote keeps a quoted word that looks like a shell operator from being
// taken for one: a quoted "|" stays an argument.
func quote(w string, quoted bool) string {
	if quoted && (w == "|" || w == ">" || w == ">>" || w == "<" || strings.HasPrefix(w, "#")) {
		return "\x00" + w
	}
	return w
}

var errUnclosedQuote = errors.New("unclosed quote")

// TestREADMEExamplesParse checks that every hooklimit command line the
// README shows is one the CLI accepts as written: the command exists, each
// flag exists under the name shown (not a deprecated alias) and takes the
// value shown, and the arguments are as many as the command takes. A
// renamed flag or command, or a value a flag no longer reads, fails here
// with the README's line.
func TestREADMEExamplesParse(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	examples := readmeExamples(t, readme)
	// The README shows more than 45 command lines; far fewer means the
	// extraction lost them, and the test would pass on nothing.
	if len(examples) < 45 {
		t.Fatalf("found %d hooklimit command lines in README.md, want at least 45", len(examples))
	}
	t.Logf("%d hooklimit command lines in README.md", len(examples))
	for _, ex := range examples {
		args := make([]string, len(ex.args))
		for i, a := range ex.args {
			args[i] = strings.TrimPrefix(a, "\x00")
		}
		d, _, errOut := newTestDeps()
		root := newRootCmd(d)
		cmd, rest, err := root.Find(args)
		if err != nil {
			t.Errorf("README.md:%d: hooklimit %s: %v", ex.line, strings.Join(args, " "), err)
			continue
		}
		if cmd == root && len(args) > 0 && !strings.HasPrefix(args[0], "-") {
			t.Errorf("README.md:%d: hooklimit %s: no command %q", ex.line, strings.Join(args, " "), args[0])
			continue
		}
		if err := cmd.ParseFlags(rest); err != nil {
			t.Errorf("README.md:%d: hooklimit %s: %v", ex.line, strings.Join(args, " "), err)
			continue
		}
		cmd.Flags().Visit(func(f *pflag.Flag) {
			if _, ok := f.Value.(*aliasValue); ok {
				t.Errorf("README.md:%d: hooklimit %s: --%s is a deprecated name (%s)", ex.line, strings.Join(args, " "), f.Name, strings.TrimSpace(errOut.String()))
			}
		})
		if cmd.Args != nil {
			if err := cmd.Args(cmd, cmd.Flags().Args()); err != nil {
				t.Errorf("README.md:%d: hooklimit %s: %v", ex.line, strings.Join(args, " "), err)
			}
		}
	}
}

// TestREADMEExamplesExtraction pins what the extraction takes from a
// block: prompts, comments, pipelines, redirections, quotes and
// environment assignments.
func TestREADMEExamplesExtraction(t *testing.T) {
	md := "```console\n" +
		"$ hooklimit run          # a comment\n" +
		"hooklimit run: FAIL — output, not a command\n" +
		"$ cat t.csv | hooklimit check - --input-format csv > out.txt\n" +
		"$ WEBHOOK_SECRET=x hooklimit serve --key-from '/hooks/{key}' --threshold 'a|b'\n" +
		"$ curl -s http://127.0.0.1:8080/_hooklimit/stats\n" +
		"```\n" +
		"```yaml\nhooklimit: not a command\n```\n" +
		"```sh\nhooklimit schema check > check.schema.json\n```\n"
	got := readmeExamples(t, []byte(md))
	want := []readmeExample{
		{2, []string{"run"}},
		{4, []string{"check", "-", "--input-format", "csv"}},
		{5, []string{"serve", "--key-from", "/hooks/{key}", "--threshold", "a|b"}},
		{12, []string{"schema", "check"}},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d examples %v, want %d", len(got), got, len(want))
	}
	for i := range want {
		if got[i].line != want[i].line || strings.Join(got[i].args, " ") != strings.Join(want[i].args, " ") {
			t.Errorf("example %d: got line %d %q, want line %d %q", i, got[i].line, got[i].args, want[i].line, want[i].args)
		}
	}
}

// selfContained reports whether a README example runs with nothing but
// hooklimit: no file it reads, no live target, no standard input. (What an
// example writes lands in the test's own directory.)
// The others (traffic files, plans, results files, serve, probe) are
// checked by TestREADMEExamplesParse and run by the testscripts on inputs
// of their own.
func selfContained(args []string) bool {
	if len(args) == 0 {
		return true
	}
	switch args[0] {
	case "profiles", "senders", "scenarios", "schema", "version":
		return len(args) < 2 || args[1] != "validate"
	case "run":
	default:
		return false
	}
	for i, a := range args {
		switch {
		case a == "replay", a == "-",
			strings.HasPrefix(a, "--target"), strings.HasPrefix(a, "--plan"),
			strings.HasPrefix(a, "--body") && i+1 < len(args) && strings.HasPrefix(args[i+1], "@"):
			return false
		}
	}
	return true
}

// TestREADMEExamplesRun runs every self-contained example of the README
// as written, with the hooklimit a user builds, and checks that it runs:
// exit 0 or 1 (a FAIL verdict is an answer), never a usage error (2), a
// runtime error (3) or a crash. Where the README shows the command's first
// line of output, the verdict in it (PASS or FAIL) must be the one the
// command gives, by its exit code.
func TestREADMEExamplesRun(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the README's simulator examples")
	}
	bin, err := scripts.binDir()
	if err != nil {
		t.Skipf("no hooklimit binary: %v", err)
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(readme), "\n")
	var run int
	for _, ex := range readmeExamples(t, readme) {
		args := make([]string, len(ex.args))
		for i, a := range ex.args {
			args[i] = strings.TrimPrefix(a, "\x00")
		}
		if !selfContained(args) {
			continue
		}
		run++
		// The line under the command, when it is the command's output.
		var shown string
		if ex.line < len(lines) && strings.HasPrefix(lines[ex.line], "hooklimit ") {
			shown = lines[ex.line]
		}
		t.Run(fmt.Sprintf("line%d", ex.line), func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, filepath.Join(bin, "hooklimit"), args...)
			cmd.Dir = t.TempDir()
			cmd.Env = append(os.Environ(), "NO_COLOR=1", "CI=1")
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			code := cmd.ProcessState.ExitCode()
			if err != nil && code < 0 {
				t.Fatalf("README.md:%d: hooklimit %s: %v", ex.line, strings.Join(args, " "), err)
			}
			if code != 0 && code != 1 {
				t.Fatalf("README.md:%d: hooklimit %s: exit %d, want 0 or 1\n%s", ex.line, strings.Join(args, " "), code, stderr.String())
			}
			switch {
			case strings.Contains(shown, ": FAIL"):
				if code != 1 {
					t.Errorf("README.md:%d: hooklimit %s: the README shows FAIL, the command exits %d", ex.line, strings.Join(args, " "), code)
				}
			case strings.Contains(shown, ": PASS"):
				if code != 0 {
					t.Errorf("README.md:%d: hooklimit %s: the README shows PASS, the command exits %d", ex.line, strings.Join(args, " "), code)
				}
			}
		})
	}
	// Far fewer than the README's simulator examples means the rule above
	// skips what it should run.
	t.Logf("ran %d of them", run)
	if run < 15 {
		t.Fatalf("ran %d README examples, want at least 15", run)
	}
}
