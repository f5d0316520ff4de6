package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// fakeSignals stands in for the process's signals: send delivers a signal
// to the channels subscribed through notify, as signal.Notify would.
type fakeSignals struct {
	mu      sync.Mutex
	subs    map[chan<- os.Signal][]os.Signal
	stopped chan struct{} // closed when a channel that received a signal unsubscribes
	got     chan<- os.Signal
}

func newFakeSignals() *fakeSignals {
	return &fakeSignals{subs: map[chan<- os.Signal][]os.Signal{}, stopped: make(chan struct{})}
}

func (f *fakeSignals) signals() signals {
	return signals{
		notify: func(c chan<- os.Signal, sig ...os.Signal) {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.subs[c] = sig
		},
		stop: func(c chan<- os.Signal) {
			f.mu.Lock()
			defer f.mu.Unlock()
			delete(f.subs, c)
			if c == f.got {
				f.got = nil
				close(f.stopped)
			}
		},
	}
}

// send delivers s to a subscriber and waits until the subscriber has
// handled it (cancelled the command and unsubscribed). It reports false
// when nobody listens for s.
func (f *fakeSignals) send(s os.Signal) bool {
	f.mu.Lock()
	var target chan<- os.Signal
	for c, sigs := range f.subs {
		for _, x := range sigs {
			if x == s {
				target = c
			}
		}
	}
	if target == nil {
		f.mu.Unlock()
		return false
	}
	f.got = target
	f.mu.Unlock()
	target <- s
	<-f.stopped
	return true
}

// listening reports how many channels are subscribed.
func (f *fakeSignals) listening() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.subs)
}

// triggerWriter collects output and calls fire once, synchronously, when
// the output first contains the text on (times times, when set).
type triggerWriter struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	on    string
	times int
	fire  func()
	fired bool
}

func (w *triggerWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	w.buf.Write(p)
	fire := !w.fired && w.on != "" && strings.Count(w.buf.String(), w.on) >= max(w.times, 1)
	w.fired = w.fired || fire
	w.mu.Unlock()
	if fire {
		w.fire()
	}
	return len(p), nil
}

func (w *triggerWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// snapshot returns every file under dir with its content.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		files[rel] = string(b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// sameFiles reports the differences between two snapshots.
func sameFiles(t *testing.T, what string, want, got map[string]string) {
	t.Helper()
	for name, b := range want {
		g, ok := got[name]
		switch {
		case !ok:
			t.Errorf("%s: %s was removed", what, name)
		case g != b:
			t.Errorf("%s: %s changed", what, name)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("%s: %s was written", what, name)
		}
	}
}

var signalCases = []struct {
	sig  syscall.Signal
	code int
	name string
}{
	{syscall.SIGINT, 130, "SIGINT"},
	{syscall.SIGTERM, 143, "SIGTERM"},
	{syscall.SIGHUP, 129, "SIGHUP"},
}

// TestSignalsCancelWritingCommands sends each signal to each command that
// writes, while it runs: the command stops, exits with 128 + the signal,
// says so in one line on stderr, and leaves the earlier output of the same
// folder as it was. (Component mode replaces out/tables but .gitkeep when
// it commits; a cancelled run leaves all of out/ as it was.)
func TestSignalsCancelWritingCommands(t *testing.T) {
	parquet := t.TempDir()
	if _, stderr, code := datagen(t, "generate", shop, "-o", parquet, "--quiet"); code != 0 {
		t.Fatalf("generate parquet: exit %d: %s", code, stderr)
	}
	commands := []struct {
		name string
		// args writes into dir; the first run writes different bytes, so
		// that a commit of the cancelled run cannot go unnoticed.
		args func(dir string, first bool) []string
		// on is the output after which the signal is sent.
		on string
		// out is the folder whose earlier content must survive.
		out func(dir string) string
	}{
		{"generate between tables", func(dir string, first bool) []string {
			return []string{"generate", shop, "-o", dir, "--format", "csv", "--workers", "1", "--seed", seed(first)}
		}, "Generated table", func(dir string) string { return dir }},
		{"generate --validate", func(dir string, first bool) []string {
			return []string{"generate", shop, "-o", dir, "--format", "csv", "--validate", "--seed", seed(first)}
		}, "Generated table", func(dir string) string { return dir }},
		{"export", func(dir string, first bool) []string {
			return []string{"export", shop, "--data-dir", parquet, "-o", dir, "--table-prefix", seed(first)}
		}, "\n", func(dir string) string { return dir }},
		{"run", func(dir string, _ bool) []string {
			return []string{"run", "--data-dir", dir}
		}, "Generated table customer", func(dir string) string { return filepath.Join(dir, "out") }},
	}
	for _, c := range commands {
		for _, s := range signalCases {
			t.Run(c.name+" "+s.name, func(t *testing.T) {
				dir := t.TempDir()
				if c.name == "run" {
					copyFile(t, "../../example/data/config.json", filepath.Join(dir, "config.json"))
				}
				// An earlier, complete run into the same folder.
				if _, stderr, code := datagen(t, c.args(dir, true)...); code != 0 {
					t.Fatalf("first run: exit %d: %s", code, stderr)
				}
				before := snapshot(t, c.out(dir))
				if c.name == "run" {
					// A different seed, so that a commit of the cancelled run shows.
					cfg := filepath.Join(dir, "config.json")
					b, err := os.ReadFile(cfg)
					if err != nil || !bytes.Contains(b, []byte(`"seed": 42,`)) {
						t.Fatalf("config.json has no seed 42: %v", err)
					}
					if err := os.WriteFile(cfg, bytes.Replace(b, []byte(`"seed": 42,`), []byte(`"seed": 43,`), 1), 0o644); err != nil {
						t.Fatal(err)
					}
				}

				sig := newFakeSignals()
				sent := false
				stdout := &triggerWriter{}
				stderr := &triggerWriter{}
				fire := func() { sent = sig.send(s.sig) }
				stdout.on, stdout.fire = c.on, fire
				stderr.on, stderr.fire = c.on, fire
				code := run(context.Background(), c.args(dir, false), Env{Stdout: stdout, Stderr: stderr, Environ: map[string]string{}, Version: "test"}, sig.signals())
				if !stdout.fired && !stderr.fired {
					t.Fatalf("the output never said %q; stdout:\n%s\nstderr:\n%s", c.on, stdout, stderr)
				}
				if !sent {
					t.Fatalf("%s was not trapped while the command ran", s.name)
				}
				if code != s.code {
					t.Errorf("exit %d, want %d; stderr:\n%s", code, s.code, stderr)
				}
				msg := "datagen " + strings.Fields(c.name)[0] + ": cancelled by " + s.name + "\n"
				if !strings.HasSuffix(stderr.String(), msg) {
					t.Errorf("stderr does not end with %q:\n%s", msg, stderr)
				}
				if sig.listening() != 0 {
					t.Error("still listening for signals after the command returned")
				}
				sameFiles(t, "after "+s.name, before, snapshot(t, c.out(dir)))
			})
		}
	}
}

// TestCancelledCause checks the exit code of every writing command whose
// context is cancelled with a signal cause before it starts: upload
// included, and never 0.
func TestCancelledCause(t *testing.T) {
	data := t.TempDir()
	copyFile(t, "../../example/data/config.json", filepath.Join(data, "config.json"))
	tables := t.TempDir()
	if err := os.WriteFile(filepath.Join(tables, "t.csv"), []byte("a\n1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	commands := [][]string{
		{"generate", shop, "-o", filepath.Join(t.TempDir(), "out"), "--format", "csv"},
		{"export", shop, "--data-dir", t.TempDir(), "-o", filepath.Join(t.TempDir(), "out")},
		{"run", "--data-dir", data},
		{"upload", tables, "--bucket", "in.c-test", "--url", "http://127.0.0.1:9", "--state-file", filepath.Join(t.TempDir(), "state.json")},
	}
	for _, args := range commands {
		for _, s := range signalCases {
			t.Run(args[0]+" "+s.name, func(t *testing.T) {
				ctx, cancel := context.WithCancelCause(context.Background())
				cancel(Cancelled{Signal: s.sig})
				var stdout, stderr bytes.Buffer
				code := Run(ctx, args, Env{Stdout: &stdout, Stderr: &stderr, Version: "test",
					Environ: map[string]string{"KBC_TOKEN": "secret-token"}})
				if code != s.code {
					t.Errorf("exit %d, want %d; stderr:\n%s", code, s.code, stderr.String())
				}
				if want := "datagen " + args[0] + ": cancelled by " + s.name + "\n"; !strings.HasSuffix(stderr.String(), want) {
					t.Errorf("stderr does not end with %q:\n%s", want, stderr.String())
				}
				if args[0] == "generate" {
					if _, err := os.Stat(args[3]); err == nil {
						entries, _ := os.ReadDir(args[3])
						for _, e := range entries {
							t.Errorf("a cancelled generate wrote %s", e.Name())
						}
					}
				}
			})
		}
	}
}

// TestCancelAfterEachTable cancels generate after each of the tables of the
// example is complete, the last one included (before the commit): nothing
// of the run is committed and the earlier output stays as it was.
func TestCancelAfterEachTable(t *testing.T) {
	dir := t.TempDir()
	if _, stderr, code := datagen(t, "generate", shop, "-o", dir, "--format", "csv", "--seed", "1"); code != 0 {
		t.Fatal(stderr)
	}
	before := snapshot(t, dir)
	for k := 1; k <= 6; k++ {
		sig := newFakeSignals()
		stderr := &triggerWriter{on: "Generated table", times: k}
		stderr.fire = func() { sig.send(syscall.SIGTERM) }
		var stdout bytes.Buffer
		code := run(context.Background(), []string{"generate", shop, "-o", dir, "--format", "csv", "--seed", "2", "--workers", "1"},
			Env{Stdout: &stdout, Stderr: stderr, Environ: map[string]string{}}, sig.signals())
		if !stderr.fired || code != 143 {
			t.Fatalf("after table %d: exit %d, want 143; stderr:\n%s", k, code, stderr)
		}
		if strings.Contains(stdout.String(), "Wrote") {
			t.Errorf("after table %d: stdout says the tables were written: %s", k, stdout.String())
		}
		sameFiles(t, fmt.Sprintf("cancelled after table %d", k), before, snapshot(t, dir))
	}
}

// TestSignalAfterCommit checks that a signal received after the commit
// point does not turn a published run into a failure: the command exits
// 0, prints no "cancelled" line, and the new output is in place.
func TestSignalAfterCommit(t *testing.T) {
	for _, c := range []struct {
		name string
		args func(dir string) []string
		on   string // printed after the commit
		out  string // a file of the committed output, under dir
	}{
		{"generate", func(dir string) []string { return []string{"generate", shop, "-o", dir, "--format", "csv"} },
			"Wrote 6 tables", ".metadata.json"},
		{"run", func(dir string) []string { return []string{"run", "--data-dir", dir} },
			"Done: published", "out/state.json"},
	} {
		for _, s := range signalCases {
			t.Run(c.name+" "+s.name, func(t *testing.T) {
				dir := t.TempDir()
				if c.name == "run" {
					copyFile(t, "../../example/data/config.json", filepath.Join(dir, "config.json"))
				}
				sig := newFakeSignals()
				stdout := &triggerWriter{on: c.on}
				stdout.fire = func() { sig.send(s.sig) }
				var stderr bytes.Buffer
				code := run(context.Background(), c.args(dir), Env{Stdout: stdout, Stderr: &stderr, Environ: map[string]string{}}, sig.signals())
				if !stdout.fired {
					t.Fatalf("the output never said %q:\n%s", c.on, stdout)
				}
				if code != 0 {
					t.Errorf("exit %d, want 0; stderr:\n%s", code, stderr.String())
				}
				if strings.Contains(stderr.String(), "cancelled") {
					t.Errorf("stderr says cancelled after the commit:\n%s", stderr.String())
				}
				if _, err := os.Stat(filepath.Join(dir, c.out)); err != nil {
					t.Errorf("the committed output is missing: %v", err)
				}
			})
		}
	}
}

// TestOnlyWritingCommandsTrapSignals checks that the commands that only
// read keep the default effect of a signal (they stop at once).
func TestOnlyWritingCommandsTrapSignals(t *testing.T) {
	dir := t.TempDir()
	if _, stderr, code := datagen(t, "generate", shop, "-o", dir, "--quiet", "--format", "csv"); code != 0 {
		t.Fatal(stderr)
	}
	for _, args := range [][]string{
		{"check", shop},
		{"validate", shop, "-d", dir, "--quiet", "--report", filepath.Join(t.TempDir(), "r.json")},
		{"report", shop, "-d", dir, "-o", filepath.Join(t.TempDir(), "r.html")},
		{"faker", "list"},
	} {
		sig := newFakeSignals()
		subscribed := false
		s := sig.signals()
		notify := s.notify
		s.notify = func(c chan<- os.Signal, x ...os.Signal) { subscribed = true; notify(c, x...) }
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), args, Env{Stdout: &stdout, Stderr: &stderr}, s); code != 0 {
			t.Errorf("%v: exit %d: %s", args, code, stderr.String())
		}
		if subscribed {
			t.Errorf("%v traps signals", args)
		}
	}
}

// seed is the seed (or another option) of a first and a later run.
func seed(first bool) string {
	if first {
		return "1"
	}
	return "2"
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestCancelledJSONLog: with --log-format json the cancellation is a JSON
// log line too, the last of the command's.
func TestCancelledJSONLog(t *testing.T) {
	for _, s := range signalCases {
		t.Run(s.name, func(t *testing.T) {
			ctx, cancel := context.WithCancelCause(context.Background())
			cancel(Cancelled{Signal: s.sig})
			var stdout, stderr bytes.Buffer
			code := Run(ctx, []string{"generate", shop, "-o", filepath.Join(t.TempDir(), "out"), "--format", "csv", "--log-format", "json"},
				Env{Stdout: &stdout, Stderr: &stderr, Version: "test", Environ: map[string]string{}})
			if code != s.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, s.code, stderr.String())
			}
			lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
			var last map[string]any
			for _, l := range lines {
				last = nil
				if err := json.Unmarshal([]byte(l), &last); err != nil {
					t.Errorf("not a JSON log line: %q", l)
				}
			}
			if last["msg"] != "datagen generate: cancelled by "+s.name || last["level"] != "error" || last["signal"] != s.name ||
				last["exit_code"] != float64(s.code) {
				t.Errorf("last line %v", last)
			}
		})
	}
}
