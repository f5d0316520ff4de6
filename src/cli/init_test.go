package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"datagen/src/dsl"
	"datagen/src/templates"
)

func TestInitList(t *testing.T) {
	stdout, stderr, code := datagen(t, "init", "--list")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, name := range templates.Names() {
		if !strings.Contains(stdout, "\n"+name+" ") {
			t.Errorf("--list does not show %s:\n%s", name, stdout)
		}
	}
}

func TestInitWritesATemplate(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "shop.json")
	stdout, stderr, code := datagen(t, "init", "shop", "-o", out, "--rows", "200", "--locale", "fr_FR")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "Wrote "+out) {
		t.Errorf("stdout %q", stdout)
	}
	s, _, err := dsl.Load(out, dsl.Options{})
	if err != nil {
		t.Fatalf("written schema: %v", err)
	}
	if c := s.Node("customer"); c == nil || *c.Rows != 200 {
		t.Errorf("customer rows not 200")
	}
	// The written schema previews and checks.
	if _, stderr, code := datagen(t, "check", out); code != 0 {
		t.Errorf("check: exit %d: %s", code, stderr)
	}
	// An existing file is not overwritten without --force.
	_, stderr, code = datagen(t, "init", "bank", "-o", out)
	if code != 1 || !strings.Contains(stderr, "pass --force") {
		t.Errorf("overwrite: exit %d, %s", code, stderr)
	}
	if _, stderr, code := datagen(t, "init", "bank", "-o", out, "--force"); code != 0 {
		t.Errorf("--force: exit %d: %s", code, stderr)
	}
	if b, _ := os.ReadFile(out); !strings.Contains(string(b), "RetailBank") {
		t.Error("--force did not write the bank template")
	}
	// Without -o the template goes to stdout, unchanged.
	stdout, _, code = datagen(t, "init", "iot")
	if want, _ := templates.Get("iot"); code != 0 || stdout != string(want) {
		t.Errorf("init iot to stdout: exit %d", code)
	}
}

func TestInitMistakes(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"init"}, "missing argument TEMPLATE"},
		{[]string{"init", "shpo"}, `did you mean "shop"?`},
		{[]string{"init", "shop", "--locale", "xx"}, "locale"},
		{[]string{"init", "shop", "--scale", "0"}, "--scale must be a positive number"},
		{[]string{"init", "--list", "shop"}, "--list takes no template"},
	} {
		_, stderr, code := datagen(t, tc.args...)
		if code != 1 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 1 and %q", tc.args, code, stderr, tc.want)
		}
	}
}
