//go:build !unix

package outdir

import (
	"os"
	"time"
)

// staleAge is the age after which a run folder counts as stale where
// folders cannot be locked.
const staleAge = 24 * time.Hour

// lockDir does nothing where advisory locks on folders are not available.
func lockDir(string) (func(), error) { return func() {}, nil }

// stale reports whether run folder dir was last changed more than a day
// ago.
func stale(dir string) bool {
	st, err := os.Stat(dir)
	return err == nil && time.Since(st.ModTime()) > staleAge
}

// sameDevice cannot be told here; renames fail loudly if it is not.
func sameDevice(string, string) (bool, error) { return true, nil }
