// Package cli is the datagen command line as a function: Run parses the
// arguments, runs the command with the given standard streams and
// environment, and returns the process exit code. The datagen binary calls
// it from main; tests call it in-process.
//
// Exit codes (see README.md):
//
//	0    success
//	1    a mistake of the user: the command line (printed with the
//	     command's usage), the schema, the configuration, the data
//	2    an application error
//	129  cancelled by SIGHUP, 130 by SIGINT, 143 by SIGTERM (128 + signal)
package cli

import (
	"context"
	"errors"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/sirupsen/logrus"
	"github.com/spf13/cobra"

	"datagen/src/keboola/component"
)

// Env is what one run of the command line sees of its process.
type Env struct {
	// Stdin, Stdout and Stderr are the standard streams (nil: none for
	// Stdin, discarded output for Stdout and Stderr).
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Environ replaces the process environment when not nil: the KBC_*
	// variables of component mode, KBC_URL and KBC_TOKEN of upload.
	Environ map[string]string
	// Version is the datagen release.
	Version string
	// Clock is the time generate --follow waits on (nil: the system
	// clock).
	Clock Clock
}

// Run runs the datagen command line args (without the program name) and
// returns the exit code. Cancelling ctx with a cause of type Cancelled has
// the effect of the signal it names.
func Run(ctx context.Context, args []string, env Env) int {
	return run(ctx, args, env, signals{notify: signal.Notify, stop: signal.Stop})
}

// run is Run with the process's signals replaced by sig.
func run(ctx context.Context, args []string, env Env, sig signals) int {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	e := newCLIEnv(env, cancel, sig)
	root := newRootCmd(e)
	if args == nil {
		args = []string{} // cobra reads os.Args for nil
	}
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	return e.exitCode(ctx, cmd, err)
}

// cliEnv is the environment the commands are built with.
type cliEnv struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	environ        map[string]string
	version        string
	// cancel cancels the context of the running command.
	cancel  context.CancelCauseFunc
	signals signals
	// logFormat is --log-format: plain or json.
	logFormat string
	clock     Clock
}

// newLogger returns the logger of the commands' log lines on w: plain
// lines ("message key=value ...", as datagen run prints them) or, with
// --log-format json, one JSON object a line.
func (e *cliEnv) newLogger(w io.Writer) *logrus.Logger {
	l := logrus.New()
	l.SetOutput(w)
	if e.logFormat == "json" {
		l.SetFormatter(&logrus.JSONFormatter{})
	} else {
		l.SetFormatter(component.PlainFormatter())
	}
	return l
}

// signals subscribes to and unsubscribes from the process's signals:
// signal.Notify and signal.Stop, replaced in tests.
type signals struct {
	notify func(chan<- os.Signal, ...os.Signal)
	stop   func(chan<- os.Signal)
}

func newCLIEnv(env Env, cancel context.CancelCauseFunc, sig signals) *cliEnv {
	e := &cliEnv{stdin: env.Stdin, stdout: env.Stdout, stderr: env.Stderr, environ: env.Environ,
		version: env.Version, cancel: cancel, signals: sig, clock: env.Clock}
	if e.clock == nil {
		e.clock = systemClock{}
	}
	if e.stdin == nil {
		e.stdin = strings.NewReader("")
	}
	if e.stdout == nil {
		e.stdout = io.Discard
	}
	if e.stderr == nil {
		e.stderr = io.Discard
	}
	return e
}

// getenv returns the environment variable key.
func (e *cliEnv) getenv(key string) string {
	if e.environ != nil {
		return e.environ[key]
	}
	return os.Getenv(key)
}

// envFirst returns the first non-empty environment variable of names.
func (e *cliEnv) envFirst(names ...string) string {
	for _, n := range names {
		if v := strings.TrimSpace(e.getenv(n)); v != "" {
			return v
		}
	}
	return ""
}

// newRootCmd builds the datagen command tree on e.
func newRootCmd(e *cliEnv) *cobra.Command {
	root := &cobra.Command{
		Use:   "datagen",
		Short: "Schema-first synthetic data generator",
		Long: `datagen generates related tables described in a JSON schema: fast, reproducible, validated.

Exit codes: 0 success; 1 a mistake in the input (a command-line mistake is
printed with the command's usage); 2 an application error; 130, 143 or 129
when SIGINT, SIGTERM or SIGHUP cancelled a command that writes.`,
		Version:       e.version,
		SilenceUsage:  true,
		SilenceErrors: true,
		// Checked here so that a missing flag is a usage mistake.
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if e.logFormat != "plain" && e.logFormat != "json" {
				return usagef("--log-format must be plain or json, got %q", e.logFormat)
			}
			if err := cmd.ValidateRequiredFlags(); err != nil {
				return usageError{err}
			}
			if err := cmd.ValidateFlagGroups(); err != nil {
				return usageError{err}
			}
			return nil
		},
	}
	root.PersistentFlags().StringVar(&e.logFormat, "log-format", "plain", "log lines (without a terminal): plain or json")
	root.SetIn(e.stdin)
	root.SetOut(e.stdout)
	root.SetErr(e.stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	// A command that only groups subcommands is runnable (see usageArgs)
	// but its usage shows only "<command> [command]".
	root.SetUsageTemplate(strings.Replace(root.UsageTemplate(), "{{if .Runnable}}",
		"{{if and .Runnable (not .HasAvailableSubCommands)}}", 1))
	root.AddCommand(
		newGenerateCmd(e),
		newFinalizeCmd(e),
		newIndexCmd(e),
		newCheckCmd(e),
		newValidateCmd(e),
		newReportCmd(e),
		newExportCmd(e),
		newUploadCmd(e),
		newRunCmd(e),
		newFakerCmd(e),
		newPreviewCmd(e),
		newSchemaCmd(e),
		newInitCmd(e),
		newStudioCmd(e),
		newInferCmd(e),
		newCompareCmd(e),
	)
	root.SetHelpCommand(newHelpCmd())
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	usageArgs(root)
	return root
}

// newHelpCmd builds `datagen help [command]`; an unknown topic is a usage
// mistake.
func newHelpCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "help [command]",
		Short: "Help about any command",
		Args: func(cmd *cobra.Command, args []string) error {
			if _, rest, err := cmd.Root().Find(args); err != nil || len(rest) > 0 {
				return usagef("unknown help topic %q", strings.Join(args, " "))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			topic, _, _ := cmd.Root().Find(args)
			return topic.Help()
		},
	}
}

// usageArgs makes the argument checks of cmd and of every command under
// it (cobra's completion commands included) usage mistakes. A command that
// only groups subcommands becomes runnable, so that a missing or unknown
// subcommand is a usage mistake rather than help with exit code 0.
func usageArgs(cmd *cobra.Command) {
	if cmd.HasSubCommands() && !cmd.Runnable() {
		cmd.Args, cmd.RunE = commandArgs, missingCommand
	}
	if check := cmd.Args; check != nil {
		cmd.Args = func(c *cobra.Command, args []string) error {
			err := check(c, args)
			var ue usageError
			if err == nil || errors.As(err, &ue) {
				return err
			}
			return usageError{err}
		}
	}
	for _, c := range cmd.Commands() {
		usageArgs(c)
	}
}
