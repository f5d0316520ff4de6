// Package browsertest starts Debian's headless Chromium (installed by
// .ci/browser.sh) for the tests that look at datagen's pages: the
// validation report, the twin comparison and the studio.
package browsertest

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// Path is where Debian installs Chromium.
const Path = "/usr/bin/chromium"

// Flags start Chromium headless on a machine without a sandbox, a GPU or
// a network: without the background-networking flags, Chromium keeps
// trying hosts that a closed network refuses.
var Flags = []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
	"--disable-background-networking", "--disable-component-update", "--disable-sync"}

// Need skips t when Chromium is missing, unless DATAGEN_REQUIRE_BROWSER=1
// (as in CI), when it fails t.
func Need(t testing.TB) {
	t.Helper()
	if _, err := os.Stat(Path); err != nil {
		if os.Getenv("DATAGEN_REQUIRE_BROWSER") == "1" {
			t.Fatalf("chromium is required (DATAGEN_REQUIRE_BROWSER=1) but %s is missing: run .ci/browser.sh", Path)
		}
		t.Skip("chromium not installed (run .ci/browser.sh)")
	}
}

// Render opens the page file with Flags and the extra flags (such as
// --dump-dom or --screenshot=...), a new profile in dir, and returns what
// Chromium wrote to stdout and stderr; it fails t when Chromium fails or
// takes longer than timeout.
func Render(t testing.TB, dir, page string, timeout time.Duration, extra ...string) (stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	args := append(append([]string{}, Flags...), "--user-data-dir="+filepath.Join(dir, "profile"))
	args = append(append(args, extra...), "file://"+page)
	cmd := exec.CommandContext(ctx, Path, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, errb.String())
	}
	return out.String(), errb.String()
}
