//go:build unix

package outdir

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
)

// lockDir takes an exclusive advisory lock on folder dir, held until the
// returned function is called (or the process ends).
func lockDir(dir string) (func(), error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, err
	}
	return func() { f.Close() }, nil
}

// stale reports whether no live run holds the lock of run folder dir.
func stale(dir string) bool {
	f, err := os.Open(dir)
	if err != nil {
		return false
	}
	defer f.Close()
	err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return false
	}
	// Locked now by us (released by Close): no live run holds it. Any
	// other error (a filesystem without locks) keeps the folder.
	return err == nil
}

// sameDevice reports whether a and b (or b's nearest existing parent) are
// on the same filesystem, so that a rename between them is atomic.
func sameDevice(a, b string) (bool, error) {
	sa, err := os.Stat(a)
	if err != nil {
		return false, err
	}
	for {
		sb, err := os.Stat(b)
		if err == nil {
			da, ok1 := sa.Sys().(*syscall.Stat_t)
			db, ok2 := sb.Sys().(*syscall.Stat_t)
			if !ok1 || !ok2 {
				return true, nil
			}
			return da.Dev == db.Dev, nil
		}
		p := filepath.Dir(b)
		if p == b {
			return false, err
		}
		b = p
	}
}
