package civil

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Dates and timestamps are parsed, and calendar divisions written, only in
// this package: other packages' code (tests aside) must not grow its own
// copies again.
func TestCalendarCodeOnlyHere(t *testing.T) {
	forbidden := []string{"time.Parse(", "time.ParseInLocation(", "func floorDiv(", "func floorMod(", "func daysFromCivil("}
	root := filepath.Join("..")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == "civil" || d.Name() == "testdata" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, f := range forbidden {
			if strings.Contains(string(b), f) {
				t.Errorf("%s contains %q: use package civil", path, f)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
