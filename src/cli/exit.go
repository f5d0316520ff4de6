package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"

	"github.com/sirupsen/logrus"
	"github.com/spf13/cobra"

	"datagen/src/input"
)

// Exit codes of the command line.
const (
	exitOK    = 0
	exitUser  = 1 // a mistake in the command line or the input
	exitError = 2 // an application error
)

// usageError is a mistake in the command line itself: an unknown command
// or flag, a missing or extra argument, a missing required flag, a flag
// value out of range. Exit code 1, with the command's usage.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// usagef formats a usage error.
func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// Cancelled is the cause of a context cancelled by a signal: the command
// stops before its commit point, publishes nothing, and Run exits with
// 128 + the signal's number (130 after SIGINT, 143 after SIGTERM, 129
// after SIGHUP). A signal after the commit point does not change the
// outcome: the command returns nil and Run exits 0.
type Cancelled struct{ Signal syscall.Signal }

func (c Cancelled) Error() string { return "cancelled by " + signalName(c.Signal) }

// signalName is the conventional name of s, e.g. SIGINT.
func signalName(s syscall.Signal) string {
	switch s {
	case syscall.SIGINT:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	case syscall.SIGHUP:
		return "SIGHUP"
	}
	return s.String()
}

// cancelSignals are the signals that cancel a command that writes.
var cancelSignals = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP}

// cancellable makes cmd, a command that writes files, cancel its context
// on SIGINT, SIGTERM or SIGHUP, so that it stops, removes its temporary
// files and commits nothing. A second signal has its default effect.
func (e *cliEnv) cancellable(cmd *cobra.Command) *cobra.Command {
	run := cmd.RunE
	cmd.RunE = func(c *cobra.Command, args []string) error {
		stop := e.trapSignals()
		defer stop()
		return run(c, args)
	}
	return cmd
}

// trapSignals cancels the command's context with a Cancelled cause on the
// first of cancelSignals, until stop is called.
func (e *cliEnv) trapSignals() (stop func()) {
	ch := make(chan os.Signal, 1)
	done := make(chan struct{})
	e.signals.notify(ch, cancelSignals...)
	go func() {
		select {
		case s := <-ch:
			sig, ok := s.(syscall.Signal)
			if !ok {
				sig = syscall.SIGINT
			}
			e.cancel(Cancelled{Signal: sig})
			e.signals.stop(ch)
		case <-done:
		}
	}()
	return func() {
		e.signals.stop(ch)
		close(done)
	}
}

// exitCode reports the outcome of cmd on stderr and returns the exit
// code: the one place where signals, usage mistakes, user errors and
// application errors become exit codes.
func (e *cliEnv) exitCode(ctx context.Context, cmd *cobra.Command, err error) int {
	if err == nil {
		// A command that returns nil has committed its output: a signal
		// that arrives after the commit point changes nothing, and the
		// exit status says what happened.
		return exitOK
	}
	var c Cancelled
	if errors.As(context.Cause(ctx), &c) {
		// Cancelled before the commit point: nothing was published.
		code := 128 + int(c.Signal)
		if e.logFormat == "json" {
			// The last of the command's log lines, in their format.
			e.newLogger(e.stderr).WithFields(logrus.Fields{"signal": signalName(c.Signal), "exit_code": code}).
				Errorf("%s: %s", commandPath(cmd), c.Error())
		} else {
			fmt.Fprintf(e.stderr, "%s: %s\n", commandPath(cmd), c.Error())
		}
		return code
	}
	fmt.Fprintln(e.stderr, "error:", err)
	var ue usageError
	if errors.As(err, &ue) {
		if cmd != nil {
			fmt.Fprintln(e.stderr)
			fmt.Fprint(e.stderr, cmd.UsageString())
		}
		return exitUser
	}
	if input.IsUser(err) {
		return exitUser
	}
	return exitError
}

// commandPath names cmd for messages, e.g. "datagen generate".
func commandPath(cmd *cobra.Command) string {
	if cmd == nil {
		return "datagen"
	}
	return cmd.CommandPath()
}

// commandArgs rejects an unknown subcommand of a command that only groups
// subcommands.
func commandArgs(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	msg := fmt.Sprintf("unknown command %q for %q", args[0], cmd.CommandPath())
	var names []string
	for _, c := range cmd.Commands() {
		if c.IsAvailableCommand() {
			names = append(names, c.Name())
			names = append(names, c.Aliases...)
		}
	}
	if s := input.DidYouMean(args[0], names); s != "" {
		msg += "; " + s
	}
	return usageError{errors.New(msg)}
}

// missingCommand is the action of a command that only groups subcommands.
func missingCommand(cmd *cobra.Command, _ []string) error {
	return usagef("%s needs a command", cmd.CommandPath())
}

// needs rejects the flags given to cmd that only work with the boolean
// flag mode when mode is not set.
func needs(cmd *cobra.Command, mode string, flags ...string) error {
	if on, _ := cmd.Flags().GetBool(mode); on {
		return nil
	}
	for _, f := range flags {
		if cmd.Flags().Changed(f) {
			return usagef("--%s works only with --%s", f, mode)
		}
	}
	return nil
}

// positional checks that a command gets exactly the named arguments.
func positional(names ...string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		switch {
		case len(args) < len(names):
			return usagef("missing argument %s", strings.Join(names[len(args):], " "))
		case len(args) > len(names):
			return usagef("unexpected argument %q: %s takes %s", args[len(names)], cmd.Name(), strings.Join(names, " "))
		}
		return nil
	}
}

// noArgs checks that a command gets no arguments.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usagef("unexpected argument %q: %s takes none", args[0], cmd.Name())
	}
	return nil
}
