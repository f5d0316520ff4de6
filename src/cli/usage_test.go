package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// TestUsageMistakes checks every kind of command-line mistake of every
// command: exit code 1, the message and the command's usage on stderr,
// nothing on stdout and nothing written.
func TestUsageMistakes(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out") // must stay absent
	cases := []struct {
		args  []string
		usage string // the usage line printed, e.g. "datagen generate SCHEMA [flags]"
		msg   string
	}{
		{nil, "datagen [command]", "datagen needs a command"},
		{[]string{"bogus"}, "datagen [command]", `unknown command "bogus" for "datagen"`},
		{[]string{"generat", shop}, "datagen [command]", `did you mean "generate"?`},
		{[]string{"--no-such-flag"}, "datagen [command]", "unknown flag: --no-such-flag"},

		{[]string{"generate"}, "datagen generate SCHEMA [flags]", "missing argument SCHEMA"},
		{[]string{"generate", shop, "extra"}, "datagen generate SCHEMA [flags]", `unexpected argument "extra"`},
		{[]string{"generate", shop, "-o", out, "--no-such-flag"}, "datagen generate SCHEMA [flags]", "unknown flag: --no-such-flag"},
		{[]string{"generate", shop, "-o", out, "--seed", "abc"}, "datagen generate SCHEMA [flags]", `invalid argument "abc" for "--seed"`},
		{[]string{"generate", shop, "-o", out, "--workers", "0"}, "datagen generate SCHEMA [flags]", "--workers must be at least 1, got 0"},
		{[]string{"generate", shop, "-o", out, "--workers", "-2"}, "datagen generate SCHEMA [flags]", "--workers must be at least 1, got -2"},
		{[]string{"generate", shop, "-o", out, "--block-rows", "0"}, "datagen generate SCHEMA [flags]", "--block-rows must be at least 1"},
		{[]string{"generate", shop, "-o", out, "--parts", "0"}, "datagen generate SCHEMA [flags]", "--parts must be at least 1, got 0"},
		{[]string{"generate", shop, "-o", out, "--parts", "4", "--part", "4"}, "datagen generate SCHEMA [flags]", "--part must be between 0 and 3 (--parts 4), got 4"},
		{[]string{"generate", shop, "-o", out, "--part", "-1"}, "datagen generate SCHEMA [flags]", "--part must be between 0 and 0"},
		{[]string{"generate", shop, "-o", out, "--dry-run-sample", "-1"}, "datagen generate SCHEMA [flags]", "--dry-run-sample must not be negative, got -1"},
		{[]string{"generate", shop, "-o", out, "--scale", "0"}, "datagen generate SCHEMA [flags]", "--scale must be a positive number, got 0"},
		{[]string{"generate", shop, "-o", out, "--scale", "NaN"}, "datagen generate SCHEMA [flags]", "--scale must be a positive number"},
		{[]string{"generate", shop, "-o", out, "--format", "xml"}, "datagen generate SCHEMA [flags]", "--format"},
		{[]string{"generate", shop, "-o", out, "--compression", "lz4"}, "datagen generate SCHEMA [flags]", `--compression must be snappy, zstd or none, got "lz4"`},
		{[]string{"generate", shop, "-o", out, "--validate", "--min-score", "100.5"}, "datagen generate SCHEMA [flags]", "--min-score must be between 0 and 100, got 100.5"},
		{[]string{"generate", shop, "-o", out, "--validate", "--min-score", "-1"}, "datagen generate SCHEMA [flags]", "--min-score must be between 0 and 100, got -1"},
		{[]string{"generate", shop, "-o", out, "--validate", "--parts", "2"}, "datagen generate SCHEMA [flags]", "--validate needs the whole data set"},
		{[]string{"generate", shop, "-o", out, "--upload", "--format", "csv"}, "datagen generate SCHEMA [flags]", "--upload needs --bucket"},
		{[]string{"generate", shop, "-o", out, "--bucket", "in.c-x"}, "datagen generate SCHEMA [flags]", "--bucket works only with --upload"},
		{[]string{"generate", shop, "-o", out, "--incremental"}, "datagen generate SCHEMA [flags]", "--incremental works only with --upload"},
		{[]string{"generate", shop, "-o", out, "--min-score", "90"}, "datagen generate SCHEMA [flags]", "--min-score works only with --validate"},

		{[]string{"compare", dir, dir, "--html", filepath.Join(dir, "missing", "r.html")}, "datagen compare ORIGINAL SYNTHETIC [flags]", "--html: folder " + filepath.Join(dir, "missing") + " does not exist"},
		{[]string{"compare", dir, dir, "-o", filepath.Join(dir, "missing", "r.json")}, "datagen compare ORIGINAL SYNTHETIC [flags]", "--output: folder " + filepath.Join(dir, "missing") + " does not exist"},

		{[]string{"check"}, "datagen check SCHEMA [flags]", "missing argument SCHEMA"},
		{[]string{"check", shop, shop}, "datagen check SCHEMA [flags]", "unexpected argument"},
		{[]string{"check", shop, "--strict"}, "datagen check SCHEMA [flags]", "unknown flag: --strict"},

		{[]string{"validate", "-d", dir}, "datagen validate SCHEMA [flags]", "missing argument SCHEMA"},
		{[]string{"validate", shop}, "datagen validate SCHEMA [flags]", `required flag(s) "data-dir" not set`},
		{[]string{"validate", shop, "-d", dir, "--min-score", "100.5"}, "datagen validate SCHEMA [flags]", "--min-score must be between 0 and 100, got 100.5"},
		{[]string{"validate", shop, "-d", dir, "--min-score", "-0.5"}, "datagen validate SCHEMA [flags]", "--min-score must be between 0 and 100, got -0.5"},
		{[]string{"validate", shop, "-d", dir, "--min-score", "high"}, "datagen validate SCHEMA [flags]", `invalid argument "high"`},

		{[]string{"report", "-d", dir}, "datagen report SCHEMA [flags]", "missing argument SCHEMA"},
		{[]string{"report", shop}, "datagen report SCHEMA [flags]", `required flag(s) "data-dir" not set`},

		{[]string{"export", "-o", out}, "datagen export SCHEMA [flags]", "missing argument SCHEMA"},
		{[]string{"export", shop, "--data-dir", dir}, "datagen export SCHEMA [flags]", `required flag(s) "output-dir" not set`},
		{[]string{"export", shop, "--data-dir", dir, "-o", out, "--manifest", "fancy"}, "datagen export SCHEMA [flags]", `--manifest must be auto, legacy or schema, got "fancy"`},
		{[]string{"export", shop, "--data-dir", dir, "-o", out, "--slice-mb", "0"}, "datagen export SCHEMA [flags]", "--slice-mb must be at least 1, got 0"},
		{[]string{"export", shop, "--data-dir", dir, "-o", out, "--slice-rows", "-1"}, "datagen export SCHEMA [flags]", "--slice-rows must not be negative"},
		{[]string{"export", shop, "--data-dir", dir, "-o", out, "--sliced-above-rows", "-1"}, "datagen export SCHEMA [flags]", "--sliced-above-rows must not be negative"},
		{[]string{"export", shop, "--data-dir", dir, "-o", out, "--sliced-above-mb", "-1"}, "datagen export SCHEMA [flags]", "--sliced-above-mb must not be negative"},

		{[]string{"upload"}, "datagen upload DIR [flags]", "missing argument DIR"},
		{[]string{"upload", dir, dir}, "datagen upload DIR [flags]", "unexpected argument"},
		{[]string{"upload", dir, "--parallel", "0"}, "datagen upload DIR [flags]", "--parallel must be at least 1, got 0"},
		{[]string{"upload", dir, "--slice-size", "-1"}, "datagen upload DIR [flags]", "--slice-size must not be negative, got -1"},

		{[]string{"run", "now"}, "datagen run [flags]", `unexpected argument "now": run takes none`},
		{[]string{"run", "--data-dri", dir}, "datagen run [flags]", "unknown flag: --data-dri"},

		{[]string{"faker"}, "datagen faker [command]", "datagen faker needs a command"},
		{[]string{"faker", "lst"}, "datagen faker [command]", `unknown command "lst" for "datagen faker"; did you mean "list"?`},
		{[]string{"faker", "list", "all"}, "datagen faker list [flags]", `unexpected argument "all"`},
		{[]string{"faker", "list", "--locale", "xx_YY"}, "datagen faker list [flags]", "--locale"},

		{[]string{"help", "bogus"}, "datagen help [command] [flags]", `unknown help topic "bogus"`},
		{[]string{"help", "faker", "lst"}, "datagen help [command] [flags]", `unknown help topic "faker lst"`},
		{[]string{"completion"}, "datagen completion [command]", "datagen completion needs a command"},
		{[]string{"completion", "csh"}, "datagen completion [command]", `unknown command "csh" for "datagen completion"`},
		{[]string{"completion", "bash", "extra"}, "datagen completion bash", `unknown command "extra" for "datagen completion bash"`},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			stdout, stderr, code := datagen(t, c.args...)
			if code != 1 {
				t.Errorf("exit %d, want 1; stderr:\n%s", code, stderr)
			}
			if !strings.HasPrefix(stderr, "error: ") || !strings.Contains(stderr, c.msg) {
				t.Errorf("stderr does not start with the error %q:\n%s", c.msg, stderr)
			}
			if !strings.Contains(stderr, "\nUsage:\n  "+c.usage+"\n") {
				t.Errorf("stderr lacks the usage %q:\n%s", c.usage, stderr)
			}
			if stdout != "" {
				t.Errorf("stdout: %q", stdout)
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("a usage mistake wrote %s", out)
			}
		})
	}
}

// TestNotUsageMistakes checks that help, the version and mistakes outside
// the command line are not reported with the usage.
func TestNotUsageMistakes(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{[]string{"--help"}, 0, "Available Commands:", ""},
		{[]string{"generate", "--help"}, 0, "Usage:\n  datagen generate SCHEMA [flags]", ""},
		{[]string{"faker", "--help"}, 0, "Usage:\n  datagen faker [command]", ""},
		{[]string{"--version"}, 0, "datagen version test", ""},
		{[]string{"help", "faker", "list"}, 0, "Usage:\n  datagen faker list [flags]", ""},
		{[]string{"completion", "bash"}, 0, "bash completion V2 for datagen", ""},
		{[]string{"check", filepath.Join(dir, "missing.json")}, 1, "", "missing.json"},
		{[]string{"validate", shop, "-d", filepath.Join(dir, "nope")}, 1, "", "is not a directory"},
		{[]string{"upload", dir}, 1, "", "missing the Storage API URL"},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			stdout, stderr, code := datagen(t, c.args...)
			if code != c.code || !strings.Contains(stdout, c.stdout) || !strings.Contains(stderr, c.stderr) {
				t.Errorf("exit %d (want %d)\nstdout:\n%s\nstderr:\n%s", code, c.code, stdout, stderr)
			}
			if strings.Contains(stderr, "Usage:") {
				t.Errorf("usage printed for a mistake outside the command line:\n%s", stderr)
			}
		})
	}
}

// TestNotAFolder: a regular file where a folder is expected is reported up
// front as not a folder (exit 1), before anything is generated.
func TestNotAFolder(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		msg  string
	}{
		{[]string{"generate", shop, "-o", file, "--format", "csv"}, file + " exists and is not a folder"},
		{[]string{"run", "--data-dir", file}, "data folder " + file + " is not a folder"},
		{[]string{"export", shop, "--data-dir", file, "-o", filepath.Join(t.TempDir(), "out")}, "data directory " + file + " is not a folder"},
	} {
		t.Run(c.args[0], func(t *testing.T) {
			_, stderr, code := datagen(t, c.args...)
			if code != 1 || !strings.Contains(stderr, c.msg) {
				t.Errorf("exit %d, want 1 and %q:\n%s", code, c.msg, stderr)
			}
			if strings.Contains(stderr, "Generated table") || strings.Contains(stderr, "does not exist") {
				t.Errorf("not reported up front:\n%s", stderr)
			}
			if b, _ := os.ReadFile(file); string(b) != "x" {
				t.Errorf("the file was changed: %q", b)
			}
		})
	}
}

// TestFlagUsageNames: a flag's usage text never turns into its type name
// (pflag reads a back-quoted word in the usage as the type).
func TestFlagUsageNames(t *testing.T) {
	stdout, stderr, code := datagen(t, "preview", "--help")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "--seed int ") {
		t.Errorf("--seed is not shown as an int:\n%s", stdout)
	}
	root := newRootCmd(&cliEnv{})
	for _, c := range root.Commands() {
		c.Flags().VisitAll(func(f *pflag.Flag) {
			if strings.Contains(f.Usage, "`") {
				t.Errorf("%s --%s: back quotes in the usage %q", c.Name(), f.Name, f.Usage)
			}
		})
	}
}
