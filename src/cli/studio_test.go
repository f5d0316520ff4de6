package cli

import (
	"bytes"
	"context"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
)

// datagen studio prints its URL, serves the page there, and stops on
// SIGINT or SIGTERM with the signal's exit code.
func TestStudioServesUntilSignal(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		fake := newFakeSignals()
		status := make(chan int, 1)
		url := regexp.MustCompile(`^http://127\.0\.0\.1:\d+/\?token=[0-9a-f]{32}\n$`)
		var stdout *triggerWriter
		stdout = &triggerWriter{on: "\n", fire: func() {
			go func() {
				u := strings.TrimSpace(stdout.String())
				var res *http.Response
				var err error
				for range 50 { // the server starts serving right after printing
					if res, err = http.Get(u); err == nil {
						break
					}
				}
				if err != nil {
					t.Error(err)
					status <- 0
				} else {
					res.Body.Close()
					status <- res.StatusCode
				}
				fake.send(sig)
			}()
		}}
		var stderr bytes.Buffer
		path := filepath.Join(t.TempDir(), "new.json")
		code := run(context.Background(), []string{"studio", path, "--port", "0"}, Env{Stdout: stdout, Stderr: &stderr}, fake.signals())
		if want := 128 + int(sig); code != want {
			t.Errorf("%v: exit %d, want %d: %s", sig, code, want, stderr.String())
		}
		if !url.MatchString(stdout.String()) {
			t.Errorf("stdout %q is not the studio's URL", stdout.String())
		}
		if s := <-status; s != http.StatusOK {
			t.Errorf("GET the printed URL: %d", s)
		}
		if !strings.Contains(stderr.String(), "datagen studio: cancelled by "+signalName(sig)) {
			t.Errorf("stderr %q", stderr.String())
		}
	}
}

func TestStudioUsage(t *testing.T) {
	for _, args := range [][]string{{"studio", "a.json", "b.json"}, {"studio", "--port", "70000"}, {"studio", "--port", "x"}} {
		_, stderr, code := datagen(t, args...)
		if code != exitUser || !strings.Contains(stderr, "Usage:") {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr)
		}
	}
}
