package component

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"datagen/src/keboola/manifest"
)

// dataDir creates a data folder with config.json (and in/state.json when
// state is not empty).
func dataDir(t *testing.T, config, state string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "data")
	if err := os.MkdirAll(filepath.Join(dir, "in"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	if state != "" {
		if err := os.WriteFile(filepath.Join(dir, "in", "state.json"), []byte(state), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func runIn(t *testing.T, dir string, env map[string]string, o Options) (*Summary, string, string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if env == nil {
		env = map[string]string{}
	}
	env["KBC_DATADIR"] = dir
	o.Stdout, o.Stderr, o.Environ, o.Version = &stdout, &stderr, env, "test"
	sum, err := Run(context.Background(), o)
	return sum, stdout.String(), stderr.String(), err
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func TestRunWritesTablesStateAndUsage(t *testing.T) {
	dir := dataDir(t, `{"parameters": {"schema": `+tinySchema+`, "seed": 3,
	  "destination": {"bucket": "out.c-x", "table_prefix": "p_", "incremental": true}}}`,
		`{"datagen": {"runs": 2}, "other": {"k": 1}}`)
	// A stale table of an earlier run must not survive.
	if err := os.MkdirAll(filepath.Join(dir, "out", "tables"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "out", "tables", "old.csv"), []byte("a\n1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	sum, stdout, stderr, err := runIn(t, dir, nil, Options{})
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	if len(sum.Tables) != 1 || sum.Tables[0].Destination != "out.c-x.p_u" || sum.Tables[0].Rows != 3 {
		t.Errorf("summary %+v", sum.Tables)
	}
	if got := dirNames(t, filepath.Join(dir, "out", "tables")); !slices.Equal(got, []string{"p_u.csv", "p_u.csv.manifest"}) {
		t.Errorf("tables %v", got)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "out", "tables", "p_u.csv"))
	if string(b) != "id\n1\n2\n3\n" {
		t.Errorf("table %q", b)
	}
	var m struct {
		Destination string `json:"destination"`
		Incremental bool   `json:"incremental"`
	}
	readJSON(t, filepath.Join(dir, "out", "tables", "p_u.csv.manifest"), &m)
	if m.Destination != "out.c-x.p_u" || !m.Incremental {
		t.Errorf("manifest %+v", m)
	}
	var st map[string]any
	readJSON(t, filepath.Join(dir, "out", "state.json"), &st)
	dg := st["datagen"].(map[string]any)
	last := dg["last_run"].(map[string]any)
	if dg["runs"] != 3.0 || last["seed"] != 3.0 || last["rows"].(map[string]any)["p_u"] != 3.0 || st["other"] == nil {
		t.Errorf("state %v", st)
	}
	var usage []Metric
	readJSON(t, filepath.Join(dir, "out", "usage.json"), &usage)
	if !slices.Equal(usage, []Metric{{"rows", 3}, {"tables", 1}, {"rows.p_u", 3}}) {
		t.Errorf("usage %v", usage)
	}
	if !strings.Contains(stdout, "Wrote table out.c-x.p_u file=p_u.csv rows=3") ||
		!strings.Contains(stdout, "Removed 1 entries left in out/tables") {
		t.Errorf("stdout:\n%s", stdout)
	}
	if stderr != "" {
		t.Errorf("stderr:\n%s", stderr)
	}
}

func TestRunManifestFlavourFromEnvironment(t *testing.T) {
	for _, tt := range []struct {
		env, cfg string
		schema   bool
	}{{"", "", false}, {"authoritative", "", true}, {"hints", "none", false}} {
		storage := ""
		if tt.cfg != "" {
			storage = `"storage": {"output": {"data_type_support": "` + tt.cfg + `"}}, `
		}
		dir := dataDir(t, `{`+storage+`"parameters": {"schema": `+tinySchema+`}}`, "")
		env := map[string]string{}
		if tt.env != "" {
			env["KBC_DATA_TYPE_SUPPORT"] = tt.env
		}
		sum, _, stderr, err := runIn(t, dir, env, Options{})
		if err != nil {
			t.Fatalf("%v\n%s", err, stderr)
		}
		b, _ := os.ReadFile(filepath.Join(dir, "out", "tables", "u.csv.manifest"))
		if got := strings.Contains(string(b), `"schema": [`); got != tt.schema || (sum.Flavour == manifest.Schema) != tt.schema {
			t.Errorf("env %q config %q: schema manifest %v, want %v\n%s", tt.env, tt.cfg, got, tt.schema, b)
		}
	}
}

func TestRunUserErrors(t *testing.T) {
	tests := []struct {
		name, config, want string
	}{
		{"bad parameter", `{"parameters": {"schema": ` + tinySchema + `, "seed": 1.5}}`, "parameters.seed: expected an integer, got 1.5"},
		{"bad schema", `{"parameters": {"schema": {"version": "1.0"}}}`, "parameters.schema"},
		{"schema string not JSON", `{"parameters": {"schema": "{nodes"}}`, "parameters.schema: invalid JSON at line 1"},
		{"sync action", `{"action": "testConnection", "parameters": {"schema": ` + tinySchema + `}}`, `action "testConnection" is not supported`},
		{"bad table name", `{"parameters": {"schema": ` + strings.Replace(tinySchema, `"id": "u"`, `"id": "a b"`, 1) + `}}`,
			`parameters.schema.nodes[0](a b).id: table name "a b" is not valid`},
		{"config not JSON", `{`, "config.json is not a JSON object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := dataDir(t, tt.config, "")
			_, _, _, err := runIn(t, dir, nil, Options{})
			if err == nil || !IsUserError(err) || ExitCode(err) != ExitUserError {
				t.Fatalf("error %v (user error %v)", err, IsUserError(err))
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
			if _, err := os.Stat(filepath.Join(dir, "out", "state.json")); err == nil {
				t.Error("state written by a failed run")
			}
		})
	}
	_, _, _, err := runIn(t, filepath.Join(t.TempDir(), "missing"), nil, Options{})
	if !IsUserError(err) || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing data folder: %v", err)
	}
	dir := dataDir(t, `{}`, "")
	_ = os.Remove(filepath.Join(dir, "config.json"))
	if _, _, _, err := runIn(t, dir, nil, Options{}); !IsUserError(err) || !strings.Contains(err.Error(), "config.json is missing") {
		t.Errorf("missing config: %v", err)
	}
}

func TestRunMasksSecrets(t *testing.T) {
	const secret = "s3cr3t-token-value"
	dir := dataDir(t, `{"parameters": {"schema": `+tinySchema+`, "upload": {"#storage_token": "`+secret+`"}}}`, "")
	gateErr := errors.New("validator failed reading " + secret)
	_, stdout, stderr, err := runIn(t, dir, map[string]string{"KBC_TOKEN": "forwarded-token"}, Options{
		Upload: func(_ context.Context, in UploadInput) error {
			in.Log.Infof("uploading with %s and %s", in.Token, in.Env.Token)
			return gateErr
		}})
	if !errors.Is(err, gateErr) {
		t.Fatalf("error %v", err)
	}
	for _, s := range []string{stdout, stderr, err.Error()} {
		if strings.Contains(s, secret) || strings.Contains(s, "forwarded-token") {
			t.Errorf("secret printed: %q", s)
		}
	}
	if !strings.Contains(stdout, "uploading with [hidden] and [hidden]") || !strings.Contains(err.Error(), "reading [hidden]") {
		t.Errorf("stdout %q, error %q", stdout, err)
	}
	if ExitCode(err) != ExitApplication {
		t.Errorf("exit code %d", ExitCode(err))
	}
}

func TestRunUploadHookAndWarnings(t *testing.T) {
	dir := dataDir(t, `{"parameters": {"schema": `+tinySchema+`, "parts": 2, "part": 1,
	  "validation": {"min_score": 50}, "upload": {"#storage_token": "tok-1"}}}`, "")
	_, _, stderr, err := runIn(t, dir, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{
		"Warning: parameters.parts is 2 but destination.incremental is false",
		"Warning: parameters.validation is not applied to a part of a split run",
		"Warning: direct upload is configured but this build cannot upload directly",
	} {
		if !strings.Contains(stderr, w) {
			t.Errorf("stderr lacks %q:\n%s", w, stderr)
		}
	}
	var got UploadInput
	_, _, _, err = runIn(t, dir, map[string]string{"KBC_URL": "https://connection.eu-central-1.keboola.com"},
		Options{Upload: func(_ context.Context, in UploadInput) error { got = in; return nil }})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(stderr, "this build has no validator") {
		t.Errorf("the gate of a part was reported twice:\n%s", stderr)
	}
	if got.URL != "https://connection.eu-central-1.keboola.com" || got.Token != "tok-1" ||
		got.TablesDir != filepath.Join(dir, "out", "tables") || len(got.Tables) != 1 || got.Tables[0].Rows != 2 {
		t.Errorf("upload input %+v", got)
	}
}

func TestRunValidationGate(t *testing.T) {
	for _, tt := range []struct {
		onFailure string
		score     float64
		fail      bool
	}{{"fail", 90, false}, {"fail", 10, true}, {"warn", 10, false}} {
		dir := dataDir(t, `{"parameters": {"schema": `+tinySchema+`, "validation": {"min_score": 50, "on_failure": "`+tt.onFailure+`"}}}`, "")
		_, stdout, stderr, err := runIn(t, dir, nil, Options{Gate: func(_ context.Context, in GateInput) (float64, error) {
			if len(in.Tables) != 1 || in.Plan == nil {
				t.Errorf("gate input %+v", in)
			}
			return tt.score, nil
		}})
		tables := dirNames(t, filepath.Join(dir, "out", "tables"))
		switch {
		case tt.fail:
			if !IsUserError(err) || !strings.Contains(err.Error(), "validation score 10.0 is below parameters.validation.min_score 50") {
				t.Errorf("%s %v: error %v", tt.onFailure, tt.score, err)
			}
			if len(tables) != 0 {
				t.Errorf("tables left by a rejected run: %v", tables)
			}
		case err != nil:
			t.Errorf("%s %v: %v", tt.onFailure, tt.score, err)
		case tt.score < 50 && !strings.Contains(stderr, "Warning: validation score 10.0 is below"):
			t.Errorf("no warning: %s", stderr)
		case tt.score >= 50 && !strings.Contains(stdout, "Validation score 90.0 (minimum 50)"):
			t.Errorf("no score line: %s", stdout)
		}
	}
}

func TestLoggerRoutesAndFormats(t *testing.T) {
	var out, errOut bytes.Buffer
	log := NewLogger(&out, &errOut, NewMasker("abcd", "abcdef"), false)
	log.WithField("k", "v w").Info("hello abcdef")
	log.Debug("hidden at info level")
	log.Warn("careful abcd")
	log.Error("bad")
	if out.String() != "hello [hidden] k=\"v w\"\n" {
		t.Errorf("stdout %q", out.String())
	}
	if errOut.String() != "Warning: careful [hidden]\nError: bad\n" {
		t.Errorf("stderr %q", errOut.String())
	}
	out.Reset()
	NewLogger(&out, &errOut, NewMasker("ab"), true).Debug("dbg ab")
	if out.String() != "dbg ab\n" {
		t.Errorf("debug %q (secrets shorter than 4 bytes are not masked)", out.String())
	}
	out.Reset()
	NewLogger(&out, &errOut, nil, true).Debug("dbg")
	if out.String() != "dbg\n" {
		t.Errorf("debug %q", out.String())
	}
}

func TestReadEnv(t *testing.T) {
	e, err := ReadEnv(map[string]string{"KBC_RUNID": "1", "KBC_COMPONENTID": "c", "KBC_PROJECT_FEATURE_GATES": "a,b",
		"KBC_DATA_TYPE_SUPPORT": "hints"})
	if err != nil {
		t.Fatal(err)
	}
	if e.DataDir != "/data" || !e.InKeboola() || !slices.Equal(e.FeatureGates, []string{"a", "b"}) || e.DataTypeSupport != "hints" {
		t.Errorf("env %+v", e)
	}
	e, _ = ReadEnv(map[string]string{"KBC_DATADIR": "/x"})
	if e.DataDir != "/x" || e.InKeboola() {
		t.Errorf("env %+v", e)
	}
}

func TestStateErrors(t *testing.T) {
	dir := dataDir(t, `{"parameters": {"schema": `+tinySchema+`}}`, `[1, 2]`)
	if _, _, _, err := runIn(t, dir, nil, Options{}); !IsUserError(err) || !strings.Contains(err.Error(), "in/state.json is not a JSON object") {
		t.Errorf("error %v", err)
	}
	dir = dataDir(t, `{"parameters": {"schema": `+tinySchema+`}}`, "  \n")
	if _, _, _, err := runIn(t, dir, nil, Options{}); err != nil {
		t.Errorf("empty state: %v", err)
	}
}

func TestRunUploadWithForwardedToken(t *testing.T) {
	dir := dataDir(t, `{"parameters": {"schema": `+tinySchema+`}}`, "")
	var got UploadInput
	_, _, _, err := runIn(t, dir, map[string]string{"KBC_URL": "https://connection.keboola.com", "KBC_TOKEN": "fwd-1"},
		Options{Upload: func(_ context.Context, in UploadInput) error { got = in; return nil }})
	if err != nil {
		t.Fatal(err)
	}
	if got.Token != "fwd-1" || got.URL != "https://connection.keboola.com" {
		t.Errorf("a forwarded token did not start the upload: %+v", got)
	}
	called := false
	if _, _, _, err := runIn(t, dir, nil, Options{Upload: func(context.Context, UploadInput) error { called = true; return nil }}); err != nil {
		t.Fatal(err)
	}
	if called {
		t.Error("upload ran without a token")
	}
}
