package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// manyTables is the number of tables of the descriptor test: far more than
// the descriptor limit the child runs under.
const manyTables = 1500

// fdLimit is the descriptor limit (RLIMIT_NOFILE) of the child process.
const fdLimit = 256

// TestManyTablesUnderDescriptorLimit runs `generate` and component mode
// on a schema of 1,500 tables in a child process whose descriptor limit is
// 256: both succeed, so neither keeps a file open per table until the
// commit. The limit is process-wide, so the child is this test binary
// itself, re-run for TestDescriptorLimitChild alone.
func TestManyTablesUnderDescriptorLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("generates 1,500 tables twice")
	}
	dir := t.TempDir()
	schema := manyTablesSchema(t)
	schemaPath := filepath.Join(dir, "schema.json")
	if err := os.WriteFile(schemaPath, schema, 0o644); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	if err := os.MkdirAll(data, 0o755); err != nil {
		t.Fatal(err)
	}
	cfg := fmt.Sprintf(`{"parameters": {"schema": %s, "destination": {"bucket": "in.c-many"}}}`, schema)
	if err := os.WriteFile(filepath.Join(data, "config.json"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name   string
		args   []string
		tables string
		suffix string
	}{
		{"generate", []string{"generate", schemaPath, "-o", filepath.Join(dir, "out"), "--format", "csv", "--quiet"},
			filepath.Join(dir, "out"), ".csv"},
		{"run", []string{"run", "--data-dir", data}, filepath.Join(data, "out", "tables"), ".csv.manifest"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestDescriptorLimitChild$", "-test.count=1")
			cmd.Env = append(os.Environ(), "DATAGEN_FD_CHILD_ARGS="+strings.Join(c.args, "\x1f"))
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%s under a limit of %d descriptors: %v\n%s", c.name, fdLimit, err, out)
			}
			entries, err := os.ReadDir(c.tables)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, e := range entries {
				if strings.HasSuffix(e.Name(), c.suffix) {
					n++
				}
			}
			if n != manyTables {
				t.Errorf("%s wrote %d %s files, want %d", c.name, n, c.suffix, manyTables)
			}
		})
	}
}

// TestDescriptorLimitChild is the child of TestManyTablesUnderDescriptorLimit:
// it lowers its descriptor limit and runs the command line it is given.
func TestDescriptorLimitChild(t *testing.T) {
	args := os.Getenv("DATAGEN_FD_CHILD_ARGS")
	if args == "" {
		t.Skip("run by TestManyTablesUnderDescriptorLimit")
	}
	lim := syscall.Rlimit{Cur: fdLimit, Max: fdLimit}
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatalf("lowering the descriptor limit: %v", err)
	}
	stdout, stderr, code := datagen(t, strings.Split(args, "\x1f")...)
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
}

// manyTablesSchema returns a schema of manyTables small entity tables.
func manyTablesSchema(t *testing.T) []byte {
	t.Helper()
	nodes := make([]any, manyTables)
	for i := range nodes {
		nodes[i] = map[string]any{
			"id": fmt.Sprintf("t%04d", i), "kind": "entity", "rows": 3, "pk": "id",
			"columns": []any{map[string]any{"name": "id", "type": "int",
				"generator": map[string]any{"sequence": map[string]any{"start": 1, "step": 1}}}},
		}
	}
	b, err := json.Marshal(map[string]any{"version": "1.0", "metadata": map[string]any{"name": "many"},
		"timeframe": map[string]any{"start": "2024-01-01", "end": "2024-12-31", "freq": "D"}, "nodes": nodes})
	if err != nil {
		t.Fatal(err)
	}
	return b
}
