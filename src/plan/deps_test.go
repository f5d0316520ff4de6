package plan

import (
	"go/build"
	"testing"
)

// Planning depends on no generator: the behaviour blocks are resolved by
// package behavior, and only the engine imports the generators and
// behavior/apply.
func TestPlanDoesNotImportGenerators(t *testing.T) {
	forbidden := map[string]bool{"datagen/src/gen": true, "datagen/src/behavior/apply": true, "datagen/src/engine": true}
	seen := map[string]bool{}
	var walk func(path, from string)
	walk = func(path, from string) {
		if seen[path] {
			return
		}
		seen[path] = true
		if forbidden[path] {
			t.Errorf("%s imports %s", from, path)
			return
		}
		p, err := build.Import(path, ".", 0)
		if err != nil {
			t.Fatalf("import %s: %v", path, err)
		}
		for _, imp := range p.Imports {
			if len(imp) > 8 && imp[:8] == "datagen/" {
				walk(imp, path)
			}
		}
	}
	walk("datagen/src/plan", "")
}
