package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPreview(t *testing.T) {
	stdout, stderr, code := datagen(t, "preview", shop, "--table", "customer", "--rows", "2")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimRight(stdout, "\n"), "\n")
	if len(lines) != 5 || lines[0] != "customer (2000 rows, first 2)" || !strings.HasPrefix(lines[1], "customer_id  ") ||
		!strings.HasPrefix(lines[2], "-----------  ") || !strings.HasPrefix(lines[3], "          1  ") {
		t.Errorf("unexpected preview:\n%s", stdout)
	}

	stdout, stderr, code = datagen(t, "preview", shop, "--table", "order_status", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var res struct {
		Tables []struct {
			ID      string     `json:"id"`
			Columns []string   `json:"columns"`
			Total   int64      `json:"total_rows"`
			Rows    [][]string `json:"rows"`
		} `json:"tables"`
		Sampled bool `json:"sampled"`
	}
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("%v:\n%s", err, stdout)
	}
	if len(res.Tables) != 1 || res.Tables[0].ID != "order_status" || res.Sampled || int64(len(res.Tables[0].Rows)) != res.Tables[0].Total {
		t.Errorf("unexpected JSON preview: %+v", res)
	}
}

func TestPreviewMistakes(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"preview", shop, "--rows", "0"}, "--rows must be at least 1"},
		{[]string{"preview", shop, "--table", "nope"}, `no table "nope"`},
		{[]string{"preview", "missing.json"}, "reading schema"},
		{[]string{"preview"}, "missing argument SCHEMA"},
	} {
		_, stderr, code := datagen(t, tc.args...)
		if code != 1 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 1 and %q", tc.args, code, stderr, tc.want)
		}
	}
}

func TestSchemaCommand(t *testing.T) {
	stdout, stderr, code := datagen(t, "schema")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	want, err := os.ReadFile("../../schema/datagen.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	if stdout != string(want) {
		t.Error("datagen schema differs from schema/datagen.schema.json")
	}
	out := filepath.Join(t.TempDir(), "s.json")
	if _, stderr, code := datagen(t, "schema", "-o", out); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if got, _ := os.ReadFile(out); string(got) != string(want) {
		t.Error("datagen schema -o wrote something else")
	}
	if _, _, code := datagen(t, "schema", "extra"); code != 1 {
		t.Errorf("extra argument: exit %d, want 1", code)
	}
}
