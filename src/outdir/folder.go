package outdir

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Entry is a file of a Folder.
type Entry struct {
	// Path is relative to the folder, slash-separated.
	Path string
	Size int64
	// Modified is when the file was last written, by the clock of its
	// store (zero when unknown).
	Modified time.Time
}

// Folder is a finished output folder as `datagen finalize` reads and
// writes it: a local folder (LocalFolder) or a prefix in object storage.
type Folder interface {
	// List returns every file under the folder.
	List(ctx context.Context) ([]Entry, error)
	// Open reads file rel.
	Open(ctx context.Context, rel string) (io.ReadCloser, error)
	// WriteFile replaces file rel with data atomically: readers see the
	// earlier content or the new, never a part of it.
	WriteFile(ctx context.Context, rel string, data []byte) error
	// Remove deletes file rel; a missing file is not an error.
	Remove(ctx context.Context, rel string) error
	// String names the folder in messages.
	String() string
}

// LocalFolder is the Folder of a local output folder.
type LocalFolder string

// List walks the folder; hidden folders (the scratch folder of a running
// part) are skipped, hidden files (the parts' manifests) are not.
func (d LocalFolder) List(_ context.Context) ([]Entry, error) {
	var out []Entry
	err := filepath.WalkDir(string(d), func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() {
			if p != string(d) && strings.HasPrefix(e.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		if !e.Type().IsRegular() || legacyTempRE.MatchString(e.Name()) {
			return nil
		}
		info, err := e.Info()
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(string(d), p)
		if err != nil {
			return err
		}
		out = append(out, Entry{Path: filepath.ToSlash(rel), Size: info.Size(), Modified: info.ModTime()})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("listing %s: %w", d, err)
	}
	return out, nil
}

// Open opens file rel.
func (d LocalFolder) Open(_ context.Context, rel string) (io.ReadCloser, error) {
	return os.Open(filepath.Join(string(d), filepath.FromSlash(rel)))
}

// WriteFile writes file rel through a temporary file and a rename.
func (d LocalFolder) WriteFile(_ context.Context, rel string, data []byte) error {
	return WriteFileAtomic(filepath.Join(string(d), filepath.FromSlash(rel)), data)
}

// Remove deletes file rel; a missing file is not an error.
func (d LocalFolder) Remove(_ context.Context, rel string) error {
	if err := os.Remove(filepath.Join(string(d), filepath.FromSlash(rel))); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

func (d LocalFolder) String() string { return string(d) }

// Digest returns the size and the hex SHA-256 of the staged file rel.
func (t *Tx) Digest(rel string) (int64, string, error) {
	if t.remote != nil {
		return t.remote.digest(rel)
	}
	f, err := os.Open(t.Path(rel))
	if err != nil {
		return 0, "", fmt.Errorf("hashing %s: %w", rel, err)
	}
	defer f.Close()
	return hashReader(f)
}

// hashReader reads r to the end and returns its size and hex SHA-256.
func hashReader(r io.Reader) (int64, string, error) {
	h := sha256.New()
	n, err := io.Copy(h, r)
	if err != nil {
		return n, "", err
	}
	return n, hex.EncodeToString(h.Sum(nil)), nil
}
