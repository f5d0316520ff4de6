// Package functional runs datagen as a Keboola component (`datagen run`,
// in-process through package cli) on the data folders under
// tests/functional/<case>/ and compares what it writes with the expected
// output.
//
// A case is a folder with:
//
//	source/data/         the data folder: config.json, optional in/state.json
//	expected/data/out/   the expected out folder (tables, manifests, state.json, usage.json)
//	expected-code        optional: the expected exit code (default 0)
//	expected-stderr      optional: lines that must each appear in stderr
//	env                  optional: KEY=VALUE lines added to the environment
//
// A case sees only its own environment: the platform's usual KBC_*
// variables and its env file, never the KBC_* variables of the process.
//
// Folders whose name starts with "_" are skipped. CSV files, manifests and
// other files are compared byte for byte, gzip files (slices) by their
// decompressed bytes, and .json files (state.json, usage.json) as parsed
// JSON with volatile keys (the datagen version) ignored. Run
// `go test ./tests/functional -update` to rewrite the expected folders from
// the current code; review the diff before committing it.
package functional

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"datagen/src/cli"
	"datagen/src/input"
)

var update = flag.Bool("update", false, "rewrite expected/data/out of every case from the actual output")

func TestFunctional(t *testing.T) {
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), "_") || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		n++
		t.Run(e.Name(), func(t *testing.T) {
			t.Parallel()
			runCase(t, e.Name())
		})
	}
	if n == 0 {
		t.Fatal("no functional test cases found")
	}
}

// runCase runs one case folder.
func runCase(t *testing.T, name string) {
	src := filepath.Join(name, "source", "data")
	if _, err := os.Stat(filepath.Join(src, "config.json")); err != nil {
		t.Fatalf("case %s has no source/data/config.json", name)
	}
	data := filepath.Join(t.TempDir(), "data")
	if err := copyTree(src, data); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"in/tables", "in/files", "out/tables", "out/files"} {
		if err := os.MkdirAll(filepath.Join(data, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	env, err := caseEnv(name, data)
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := cli.Run(context.Background(), []string{"run"}, cli.Env{Stdout: &stdout, Stderr: &stderr, Environ: env, Version: "test"})
	want := 0
	if b, err := os.ReadFile(filepath.Join(name, "expected-code")); err == nil {
		if want, err = strconv.Atoi(strings.TrimSpace(string(b))); err != nil {
			t.Fatalf("expected-code: %v", err)
		}
	}
	if code != want {
		t.Fatalf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", code, want, stdout.String(), stderr.String())
	}
	// The platform logs anything a successful job writes to stderr as an
	// error event: warnings belong on stdout.
	if code == 0 && stderr.Len() > 0 {
		t.Errorf("a successful run wrote to stderr:\n%s", stderr.String())
	}
	if b, err := os.ReadFile(filepath.Join(name, "expected-stderr")); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if line = strings.TrimSpace(line); line != "" && !strings.Contains(stderr.String(), line) {
				t.Errorf("stderr does not contain %q\nstderr:\n%s", line, stderr.String())
			}
		}
	}
	for _, secret := range secrets(t, filepath.Join(src, "config.json")) {
		if strings.Contains(stdout.String()+stderr.String(), secret) {
			t.Errorf("a secret value from config.json appears in the output")
		}
	}
	expected := filepath.Join(name, "expected", "data", "out")
	actual := filepath.Join(data, "out")
	if *update && want == 0 {
		if err := os.RemoveAll(expected); err != nil {
			t.Fatal(err)
		}
		if err := copyTree(actual, expected); err != nil {
			t.Fatal(err)
		}
		keepEmptyDirs(t, expected)
		return
	}
	if _, err := os.Stat(expected); err != nil {
		if want == 0 {
			t.Fatalf("case %s has no expected/data/out", name)
		}
		return
	}
	compareTrees(t, expected, actual)
}

// caseEnv is the environment of a case: the platform's usual variables and
// the case's env file.
func caseEnv(name, data string) (map[string]string, error) {
	env := map[string]string{"KBC_DATADIR": data, "KBC_RUNID": "1234567", "KBC_PROJECTID": "1", "KBC_CONFIGID": "cfg-" + name,
		"KBC_COMPONENTID": "keboola.ex-datagen", "KBC_STACKID": "connection.keboola.com", "KBC_COMPONENT_RUN_MODE": "run"}
	b, err := os.ReadFile(filepath.Join(name, "env"))
	if errors.Is(err, os.ErrNotExist) {
		return env, nil
	}
	if err != nil {
		return nil, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			return nil, fmt.Errorf("%s/env: %q is not KEY=VALUE", name, line)
		}
		env[k] = v
	}
	return env, nil
}

// secrets returns the values of "#" keys in a config file.
func secrets(t *testing.T, path string) []string {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	v, err := input.Parse(b)
	if err != nil {
		return nil
	}
	return input.Secrets(v)
}

// listFiles returns the regular files under root, relative, sorted,
// without .gitkeep placeholders.
func listFiles(t *testing.T, root string) []string {
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || d.Name() == ".gitkeep" {
			return nil
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		files = append(files, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(files)
	return files
}

// compareTrees compares the expected and actual out folders.
func compareTrees(t *testing.T, expected, actual string) {
	t.Helper()
	want, got := listFiles(t, expected), listFiles(t, actual)
	if !slices.Equal(want, got) {
		t.Fatalf("out folder files differ\nwant: %v\ngot:  %v", want, got)
	}
	for _, f := range want {
		wb, err := os.ReadFile(filepath.Join(expected, f))
		if err != nil {
			t.Fatal(err)
		}
		gb, err := os.ReadFile(filepath.Join(actual, f))
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case strings.HasSuffix(f, ".gz"):
			wb, gb = gunzip(t, f, wb), gunzip(t, f, gb)
			if !bytes.Equal(wb, gb) {
				t.Errorf("%s: decompressed content differs\n%s", f, firstDiff(wb, gb))
			}
		case strings.HasSuffix(f, ".json"):
			wj, gj := parseJSON(t, f, wb), parseJSON(t, f, gb)
			if !reflect.DeepEqual(wj, gj) {
				t.Errorf("%s differs\nwant:\n%s\ngot:\n%s", f, wb, gb)
			}
		default:
			if !bytes.Equal(wb, gb) {
				t.Errorf("%s differs\n%s", f, firstDiff(wb, gb))
			}
		}
	}
}

// volatileKeys are JSON keys whose values change between builds.
var volatileKeys = map[string]bool{"datagen_version": true}

func parseJSON(t *testing.T, name string, b []byte) any {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%s: invalid JSON: %v", name, err)
	}
	var strip func(any)
	strip = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if volatileKeys[k] {
					delete(x, k)
					continue
				}
				strip(e)
			}
		case []any:
			for _, e := range x {
				strip(e)
			}
		}
	}
	strip(v)
	return v
}

func gunzip(t *testing.T, name string, b []byte) []byte {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: not gzip: %v", name, err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return out
}

// firstDiff shows the first differing line.
func firstDiff(want, got []byte) string {
	wl, gl := strings.Split(string(want), "\n"), strings.Split(string(got), "\n")
	for i := range max(len(wl), len(gl)) {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return fmt.Sprintf("line %d:\nwant: %q\ngot:  %q", i+1, w, g)
		}
	}
	return "(same lines, different bytes)"
}

// copyTree copies the files under src to dst.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
}

// keepEmptyDirs puts a .gitkeep into empty folders so that git keeps them.
func keepEmptyDirs(t *testing.T, root string) {
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		entries, err := os.ReadDir(p)
		if err != nil {
			return err
		}
		if len(entries) == 0 {
			return os.WriteFile(filepath.Join(p, ".gitkeep"), nil, 0o644)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
