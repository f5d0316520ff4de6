package upload

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"datagen/src/input"
)

// Table phases recorded in the state file.
const (
	phaseCreating  = "creating"  // create-from-data job submitted or about to be
	phaseImporting = "importing" // import job submitted (jobId known)
	phaseImported  = "imported"  // data is in; metadata may be missing
	phaseDone      = "done"      // data and metadata written
	// phaseUnknown: an incremental import was sent but Storage's answer was
	// lost; it may have been applied, so a rerun looks its job up among
	// Storage's jobs before sending anything.
	phaseUnknown = "unknown"
)

// stateVersion is the format version of the state file.
const stateVersion = 1

// tableState is what a run remembers about one table.
type tableState struct {
	Fingerprint string    `json:"fingerprint"`
	Phase       string    `json:"phase"`
	FileID      int64     `json:"fileId,omitempty"`
	JobID       int64     `json:"jobId,omitempty"`
	Rows        int64     `json:"rows,omitempty"`
	Bytes       int64     `json:"bytes,omitempty"`
	Updated     time.Time `json:"updated"`
}

// stateDoc is the JSON document of the state file.
type stateDoc struct {
	Version int                    `json:"version"`
	URL     string                 `json:"url"`
	Project string                 `json:"project"`
	Dir     string                 `json:"dir"`
	Tables  map[string]*tableState `json:"tables"`
}

// runState records, per destination table, how far an upload got, so that a
// rerun after a failure skips finished tables and resumes pending jobs
// instead of loading data twice. Writes are atomic (temp file + rename).
type runState struct {
	mu   sync.Mutex
	path string
	doc  stateDoc
}

// defaultStatePath places the state in the user's cache directory, keyed by
// stack, project and data directory, so data folders stay clean.
func defaultStatePath(url, project, dir string) string {
	base, err := os.UserCacheDir()
	if err != nil || base == "" {
		base = os.TempDir()
	}
	h := sha256.Sum256([]byte(url + "\x00" + project + "\x00" + dir))
	return filepath.Join(base, "datagen", "upload", hex.EncodeToString(h[:8])+".json")
}

// loadState reads the state at path; a missing file is an empty state. A
// state written for another stack, project or directory is ignored.
func loadState(path, url, project, dir string) (*runState, error) {
	s := &runState{path: path, doc: stateDoc{Version: stateVersion, URL: url, Project: project, Dir: dir, Tables: map[string]*tableState{}}}
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading upload state %s: %w", path, err)
	}
	var doc stateDoc
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, input.User(fmt.Errorf("upload state %s is corrupt (%v); delete it to start over", path, err))
	}
	if doc.Version != stateVersion || doc.URL != url || doc.Project != project || doc.Dir != dir || doc.Tables == nil {
		return s, nil
	}
	s.doc = doc
	return s, nil
}

// get returns a copy of the table's state if it matches fingerprint.
func (s *runState) get(tableID, fingerprint string) (tableState, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.doc.Tables[tableID]
	if !ok || t.Fingerprint != fingerprint {
		return tableState{}, false
	}
	return *t, true
}

// set records the table's state and writes the file.
func (s *runState) set(tableID string, t tableState) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	t.Updated = time.Now().UTC()
	s.doc.Tables[tableID] = &t
	return s.writeLocked()
}

// writeLocked writes the document atomically; s.mu must be held.
func (s *runState) writeLocked() error {
	data, err := json.MarshalIndent(s.doc, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(s.path), 0o700); err != nil {
		return fmt.Errorf("writing upload state: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(s.path), ".state-*")
	if err != nil {
		return fmt.Errorf("writing upload state: %w", err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return fmt.Errorf("writing upload state: %w", err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("writing upload state: %w", err)
	}
	if err := os.Rename(tmp.Name(), s.path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("writing upload state: %w", err)
	}
	return nil
}

// remove deletes the state file (after a run in which every table succeeded).
func (s *runState) remove() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := os.Remove(s.path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}
