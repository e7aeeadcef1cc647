package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/hooklimit/hooklimit/internal/exitcode"
	"github.com/hooklimit/hooklimit/internal/termtext"
	"github.com/hooklimit/hooklimit/internal/workdir"
	"github.com/hooklimit/hooklimit/probe"
	"github.com/spf13/cobra"
)

// Deps holds what commands take from their surroundings: the streams, the
// description of the build, the clock and the HTTP transport. Execute fills
// it from the process; a test fills it by hand. A command copies what it
// needs into its options struct, so its run function depends on nothing
// else.
type Deps struct {
	IO    *IOStreams
	Build BuildInfo
	Now   func() time.Time
	// Transport, when not nil, carries the requests of run --target and
	// probe instead of their own connections: tests serve a handler in
	// memory with it, in virtual time.
	Transport http.RoundTripper
	// Clock, when not nil, is where run --target and probe read the time
	// and wait, instead of the system clock (which run polls in the last
	// instants before a send): tests give the synctest bubble's.
	Clock probe.Clock
	// LookupEnv reads an environment variable (os.LookupEnv in Execute):
	// commands read the environment through it alone.
	LookupEnv func(key string) (string, bool)
	// Create creates or truncates the results file of --out and the file
	// of --output (in Execute, os.Create from IO.Dir).
	Create func(name string) (io.WriteCloser, error)
	// Listen opens serve's listener (net.Listen in Execute): tests give
	// an in-memory one.
	Listen func(network, address string) (net.Listener, error)
}

// Getenv returns the value of the environment variable key, "" when it is
// not set.
func (d *Deps) Getenv(key string) string {
	v, _ := d.LookupEnv(key)
	return v
}

// newDeps returns the dependencies of a command run as the process runs
// it: the system clock and network, the streams given, the environment
// that lookupEnv reads, and the working directory dir ("" for the
// process's), from which Create finds the files it writes.
func newDeps(build BuildInfo, stdin io.Reader, stdout, stderr io.Writer, lookupEnv func(string) (string, bool), dir workdir.Dir) *Deps {
	d := &Deps{
		IO:    NewIOStreams(stdin, stdout, stderr),
		Build: build,
		Now:   time.Now,

		LookupEnv: lookupEnv,
		Listen:    net.Listen,
	}
	d.IO.Dir = dir
	d.Create = func(name string) (io.WriteCloser, error) {
		f, err := d.IO.Dir.Create(name)
		if err != nil {
			return nil, err
		}
		return f, nil
	}
	d.IO.ErrNoCursor = cursorless(d.LookupEnv)
	d.IO.Width = outWidth(stdout, d.LookupEnv)
	return d
}

// Execute runs hooklimit with args (without the program name) and the given
// standard streams, and returns the process's exit code (see package
// exitcode). version, commit and date are the values the linker set.
//
// An interrupt (Ctrl-C) or SIGTERM cancels the context the commands receive
// from cmd.Context(); a second one closes the results files being written
// (whole lines only) and ends the process with exit code 130.
func Execute(version, commit, date string, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	bi, _ := debug.ReadBuildInfo()
	d := newDeps(resolveBuild(version, commit, date, bi), stdin, stdout, stderr, os.LookupEnv, "")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	go watchSignals(sigs, cancel, func() {
		d.IO.results.closeAll()
		fmt.Fprintln(d.IO.ErrOut, "hooklimit: interrupted twice: results files closed at the last whole line")
		os.Exit(exitcode.Interrupted)
	})
	return execute(ctx, newRootCmd(d), d.IO.ErrOut, args)
}

// newRootCmd returns the hooklimit command with all its subcommands.
//
// To add a command, write a file named for it with a constructor
// newXxxCmd(d *Deps, ...) *cobra.Command in the style of version.go: an
// options struct holding the streams (d.IO), the clock (d.Now), whatever
// else it takes from its surroundings (d.LookupEnv, d.Create, d.Transport, d.Listen;
// never os.Getenv, os.Create or a global) and the flag values; a RunE
// that validates and then calls one runXxx(opts) function; cobra.Args set
// to a validator (errors from it, from flag parsing and from
// required flags exit with code 2); output through --format (addFormatFlag).
// Then add it below.
func newRootCmd(d *Deps) *cobra.Command {
	root := &cobra.Command{
		Use:   "hooklimit <command> [flags]",
		Short: "Load-test and check webhook rate limits",
		Long: `hooklimit load-tests and checks webhook rate limits: does your traffic stay
under a receiver's limits, what happens to your events in a burst or a retry
storm under each retry policy, and what does a live endpoint really enforce?

Exit codes, the same for every command:
  0    every verdict passed and every threshold held
  1    a compliance verdict failed or a threshold was breached
  2    usage, configuration or input error
  3    runtime error (target unreachable, I/O)
  130  interrupted (partial results were still written)`,
		Version:       d.Build.String(),
		SilenceErrors: true, // execute prints the error, once
		SilenceUsage:  true, // and a hint to --help rather than the whole usage
	}
	root.SetIn(d.IO.In)
	root.SetOut(d.IO.Out)
	root.SetErr(d.IO.ErrOut)
	root.SetVersionTemplate("{{.Version}}\n")
	// --version without cobra's -v, which stays free for commands.
	root.Flags().Bool("version", false, "print the version")
	// newCompletionCmd replaces cobra's completion command.
	root.CompletionOptions.DisableDefaultCmd = true
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return exitcode.New(exitcode.Usage, err)
	})

	root.AddCommand(
		// Later: newProfilesCmd, newScenariosCmd, newCheckCmd, newRunCmd,
		// newServeCmd, newProbeCmd, newReportCmd.
		newCheckCmd(d),
		newRunCmd(d),
		newServeCmd(d, nil),
		newProbeCmd(d),
		newReportCmd(d),
		newScenariosCmd(d),
		newSendersCmd(d),
		newProfilesCmd(d),
		newSchemaCmd(d),
		newVersionCmd(d, nil),
		newCompletionCmd(d),
		newManCmd(d),
	)
	withOutputFiles(root, d)
	return root
}

// execute runs root with args, prints any error to errOut as
// "hooklimit: <message>", and returns the exit code. Messages can quote
// input (a key, a file name, a line), so control characters in them but
// newlines and tabs are escaped (see termtext.EscapeText).
//
// Errors cobra raises before a command's run function starts (an unknown
// command or flag, a bad flag value, wrong arguments, a missing required
// flag) are usage errors: they exit with code 2 and are followed by a hint
// to --help. So are errors without an exit code from a PreRunE or
// PersistentPreRunE hook, which runs before that. If ctx is cancelled (the
// user interrupted), the code is 130 unless the error was a usage error.
func execute(ctx context.Context, root *cobra.Command, errOut io.Writer, args []string) int {
	started := instrument(root)
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	if err != nil && !*started {
		err = usageError(err)
	}
	code := exitcode.Of(err)
	if ctx.Err() != nil && code != exitcode.Usage {
		code = exitcode.Interrupted
		if err == nil || err.Error() == context.Canceled.Error() {
			err = errors.New("interrupted") // rather than "context canceled"
		}
	}
	if hasMessage(err) {
		fmt.Fprintf(errOut, "hooklimit: %s\n", termtext.EscapeText(strings.TrimRight(err.Error(), "\n")))
		if code == exitcode.Usage && !*started {
			fmt.Fprintf(errOut, "Run '%s --help' for usage.\n", cmd.CommandPath())
		}
	}
	return code
}

// instrument walks the command tree below root. It makes each command's
// argument validator return usage errors, and wraps each run function so
// that the returned flag turns true when one starts.
func instrument(root *cobra.Command) *bool {
	started := new(bool)
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		if args := c.Args; args != nil {
			c.Args = func(c *cobra.Command, a []string) error {
				if err := args(c, a); err != nil {
					return usageError(err)
				}
				return nil
			}
		}
		switch run, runE := c.Run, c.RunE; {
		case runE != nil:
			c.RunE = func(c *cobra.Command, a []string) error {
				*started = true
				return runE(c, a)
			}
		case run != nil:
			c.Run = func(c *cobra.Command, a []string) {
				*started = true
				run(c, a)
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	return started
}

// usageError returns err as an exit-2 error, unless it already carries an
// exit code.
func usageError(err error) error {
	var coded *exitcode.Error
	var input *exitcode.InputError
	if errors.As(err, &coded) || errors.As(err, &input) {
		return err
	}
	return exitcode.New(exitcode.Usage, err)
}

// hasMessage reports whether err should be printed: it is not nil, and it
// is not an exitcode.Error made without a message (a failed verdict that
// the command has already reported).
func hasMessage(err error) bool {
	if err == nil {
		return false
	}
	var coded *exitcode.Error
	return !errors.As(err, &coded) || coded.Err != nil
}
