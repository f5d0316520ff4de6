package functional

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"datagen/src/cli"
)

// TestSyncActions runs the sync actions through the command line on the
// example configuration and on a broken copy, as the platform does: the
// answer must be the only thing on stdout, one JSON object, and stderr
// must stay empty.
func TestSyncActions(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "example", "data", "config.json"))
	if err != nil {
		t.Fatal(err)
	}
	var good map[string]any
	if err := json.Unmarshal(b, &good); err != nil {
		t.Fatal(err)
	}
	bad := cloneJSON(t, good)
	node := bad["parameters"].(map[string]any)["schema"].(map[string]any)["nodes"].([]any)[0].(map[string]any)
	node["kind"] = "entiti"
	for _, tt := range []struct {
		action  string
		config  map[string]any
		typ     string
		message string
	}{
		{"validateSchema", good, "success", "The configuration is valid: 2 tables"},
		{"validateSchema", bad, "error", "`parameters.schema.nodes[0](customer).kind`"},
		{"preview", good, "table", "### orders\n\n| order\\_id |"},
		{"preview", bad, "error", "`parameters.schema.nodes[0](customer).kind`"},
	} {
		cfg := cloneJSON(t, tt.config)
		cfg["action"] = tt.action
		dir := filepath.Join(t.TempDir(), "data")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		raw, _ := json.Marshal(cfg)
		if err := os.WriteFile(filepath.Join(dir, "config.json"), raw, 0o644); err != nil {
			t.Fatal(err)
		}
		var stdout, stderr bytes.Buffer
		code := cli.Run(context.Background(), []string{"run"}, cli.Env{Stdout: &stdout, Stderr: &stderr,
			Environ: map[string]string{"KBC_DATADIR": dir, "KBC_RUNID": "1", "KBC_COMPONENTID": "x.datagen"}, Version: "test"})
		if code != 0 || stderr.Len() > 0 {
			t.Fatalf("%s: exit %d, stderr %q", tt.action, code, stderr.String())
		}
		var res struct {
			Status, Type, Message string
		}
		dec := json.NewDecoder(&stdout)
		if err := dec.Decode(&res); err != nil || dec.More() {
			t.Fatalf("%s: stdout is not one JSON object (%v):\n%s", tt.action, err, stdout.String())
		}
		if res.Status != "success" || res.Type != tt.typ || !strings.Contains(res.Message, tt.message) {
			t.Errorf("%s: %+v, want type %s and %q", tt.action, res, tt.typ, tt.message)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 1 {
			t.Errorf("%s wrote into the data folder: %v", tt.action, entries)
		}
	}
}

func cloneJSON(t *testing.T, v map[string]any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}
