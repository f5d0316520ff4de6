package outdir

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
)

// tempName returns a new hidden temporary name beside final:
// ".<base>.tmp-<random>", the naming Begin sweeps as stale.
func tempName(final string) string {
	dir, base := filepath.Split(final)
	return filepath.Join(dir, "."+base+".tmp-"+strconv.FormatUint(rand.Uint64()&0xffffffffff, 36))
}

// CreateTemp creates a new hidden temporary file beside final, named
// ".<base>.tmp-<random>" (a name Begin sweeps when a crash leaves it).
// Unlike os.CreateTemp, the file mode honours the umask (0666 &^ umask),
// as for any ordinary output file.
func CreateTemp(final string) (*os.File, error) {
	for range 100 {
		f, err := os.OpenFile(tempName(final), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
		if err == nil {
			return f, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("create temporary file: %w", err)
		}
	}
	return nil, fmt.Errorf("create temporary file for %s: too many name collisions", final)
}

// WriteFileAtomic writes data to path through a hidden temporary file in
// the same directory, fsyncs it and renames it over path, so readers see
// either the old content or the new, never a partial file.
func WriteFileAtomic(path string, data []byte) error {
	f, err := CreateTemp(path)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err == nil {
		err = SyncDir(filepath.Dir(path))
	}
	if err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// MkdirTemp creates a new hidden temporary folder beside final, named as
// CreateTemp names files, and returns its path.
func MkdirTemp(final string) (string, error) {
	for range 100 {
		dir := tempName(final)
		err := os.Mkdir(dir, 0o755)
		if err == nil {
			return dir, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return "", fmt.Errorf("create temporary folder: %w", err)
		}
	}
	return "", fmt.Errorf("create temporary folder for %s: too many name collisions", final)
}
