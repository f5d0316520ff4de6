package component

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"datagen/src/input"
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
	if !strings.Contains(stdout, "Staged table out.c-x.p_u file=p_u.csv rows=3") {
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
			`parameters.schema.nodes[0](a b).id: node id "a b" may contain only letters, digits, '-' and '_'`},
		{"config not JSON", `{`, "config.json is not valid JSON: invalid JSON at line 1, column 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := dataDir(t, tt.config, "")
			_, _, _, err := runIn(t, dir, nil, Options{})
			if err == nil || !input.IsUser(err) || ExitCode(err) != ExitUserError {
				t.Fatalf("error %v (user error %v)", err, input.IsUser(err))
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
	if !input.IsUser(err) || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing data folder: %v", err)
	}
	dir := dataDir(t, `{}`, "")
	_ = os.Remove(filepath.Join(dir, "config.json"))
	if _, _, _, err := runIn(t, dir, nil, Options{}); !input.IsUser(err) || !strings.Contains(err.Error(), "config.json is missing") {
		t.Errorf("missing config: %v", err)
	}
}

func TestRunMasksSecrets(t *testing.T) {
	const secret = "s3cr3t-token-value"
	dir := dataDir(t, `{"parameters": {"schema": `+tinySchema+`, "upload": {"#storage_token": "`+secret+`"}}}`, "")
	gateErr := errors.New("validator failed reading " + secret)
	_, stdout, stderr, err := runIn(t, dir, map[string]string{"KBC_TOKEN": "forwarded-token", "KBC_URL": "https://connection.keboola.com"}, Options{
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
	_, stdout, stderr, err := runIn(t, dir, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// The platform logs any stderr output of a successful job as an error
	// event: warnings go to stdout, marked.
	if stderr != "" {
		t.Errorf("a successful run wrote to stderr: %q", stderr)
	}
	for _, w := range []string{
		"Warning: parameters.parts is 2 but destination.incremental is false",
		"Warning: parameters.validation is not applied to a part of a split run",
		"Warning: direct upload is configured but this build cannot upload directly",
	} {
		if !strings.Contains(stdout, w) {
			t.Errorf("stdout lacks %q:\n%s", w, stdout)
		}
	}
	var got UploadInput
	_, _, _, err = runIn(t, dir, map[string]string{"KBC_URL": "https://connection.eu-central-1.keboola.com"},
		Options{Upload: func(_ context.Context, in UploadInput) error { got = in; return nil }})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(stdout, "this build has no validator") {
		t.Errorf("the gate of a part was reported twice:\n%s", stdout)
	}
	if got.URL != "https://connection.eu-central-1.keboola.com" || got.Token != "tok-1" ||
		filepath.Base(got.TablesDir) != "tables" || strings.HasPrefix(got.TablesDir, filepath.Join(dir, "out")+string(filepath.Separator)) ||
		len(got.Tables) != 1 || got.Tables[0].Rows != 2 {
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
			if !input.IsUser(err) || !strings.Contains(err.Error(), "validation score 10.0 is below parameters.validation.min_score 50") ||
				!strings.Contains(err.Error(), "none of the staged tables was published (out/ is unchanged)") {
				t.Errorf("%s %v: error %v", tt.onFailure, tt.score, err)
			}
			if strings.Contains(stdout, "Wrote table") || strings.Contains(stdout, "published the staged tables") || !strings.Contains(stdout, "Staged table") {
				t.Errorf("the log of a refused run says the tables were written:\n%s", stdout)
			}
			if len(tables) != 0 {
				t.Errorf("tables left by a rejected run: %v", tables)
			}
		case err != nil:
			t.Errorf("%s %v: %v", tt.onFailure, tt.score, err)
		case tt.score < 50 && !tt.fail && !strings.Contains(stdout, "Warning: validation score 10.0 is below"):
			t.Errorf("no warning: %s", stdout)
		case !tt.fail && stderr != "":
			t.Errorf("a successful run wrote to stderr: %q", stderr)
		case tt.score >= 50 && !strings.Contains(stdout, "Validation score 90.0 (minimum 50)"):
			t.Errorf("no score line: %s", stdout)
		}
	}
}

func TestLoggerFormatsAndMasks(t *testing.T) {
	var out bytes.Buffer
	log := NewLogger(&out, input.NewMasker("abcd", "abcdef"), false)
	log.WithField("k", "v w").Info("hello abcdef")
	log.Debug("hidden at info level")
	log.Warn("careful abcd")
	log.Error("bad")
	if want := "hello [hidden] k=\"v w\"\nWarning: careful [hidden]\nError: bad\n"; out.String() != want {
		t.Errorf("log %q, want %q", out.String(), want)
	}
	out.Reset()
	NewLogger(&out, input.NewMasker("ab"), true).Debug("dbg ab")
	if out.String() != "Debug: dbg ab\n" {
		t.Errorf("debug %q (secrets shorter than 4 bytes are not masked)", out.String())
	}
	out.Reset()
	NewLogger(&out, nil, true).Debug("dbg")
	if out.String() != "Debug: dbg\n" {
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
	if _, _, _, err := runIn(t, dir, nil, Options{}); !input.IsUser(err) || !strings.Contains(err.Error(), "in/state.json is not a JSON object") {
		t.Errorf("error %v", err)
	}
	dir = dataDir(t, `{"parameters": {"schema": `+tinySchema+`}}`, "  \n")
	if _, _, _, err := runIn(t, dir, nil, Options{}); err != nil {
		t.Errorf("empty state: %v", err)
	}
	// The platform writes the state of a first run as [].
	dir = dataDir(t, `{"parameters": {"schema": `+tinySchema+`}}`, "[]")
	if _, _, _, err := runIn(t, dir, nil, Options{}); err != nil {
		t.Errorf("state []: %v", err)
	}
}

func TestRunForwardedTokenNeverUploads(t *testing.T) {
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		http.Error(w, `{"error": "unexpected"}`, http.StatusInternalServerError)
	}))
	defer srv.Close()
	dir := dataDir(t, `{"parameters": {"schema": `+tinySchema+`, "upload": {"url": "", "#storage_token": ""}}}`, "")
	env := map[string]string{"KBC_URL": srv.URL, "KBC_TOKEN": "fwd-token-1", "KBC_RUNID": "1", "KBC_COMPONENTID": "x.datagen"}
	if _, _, _, err := runIn(t, dir, env, Options{Upload: DirectUpload}); err != nil {
		t.Fatal(err)
	}
	if n := requests.Load(); n != 0 {
		t.Errorf("a forwarded token alone made %d Storage API requests", n)
	}
	if got := dirNames(t, filepath.Join(dir, "out", "tables")); !slices.Equal(got, []string{"u.csv", "u.csv.manifest"}) {
		t.Errorf("the tables were not left for output mapping: %v", got)
	}
}

// fakeStorage answers tokens/verify and dev-branches; any other request
// is refused and recorded in others.
func fakeStorage(t *testing.T, project string, branches map[string]bool, others *[]string) *httptest.Server {
	t.Helper()
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/v2/storage/tokens/verify":
			fmt.Fprintf(w, `{"id": "1", "description": "t", "canManageBuckets": true, "owner": {"id": %s, "name": "p", "fileStorageProvider": "aws", "features": []}}`, project)
		case strings.HasPrefix(r.URL.Path, "/v2/storage/dev-branches/"):
			id := strings.TrimPrefix(r.URL.Path, "/v2/storage/dev-branches/")
			def, ok := branches[id]
			if !ok {
				w.WriteHeader(http.StatusNotFound)
				fmt.Fprint(w, `{"error": "Branch not found", "code": "storage.devBranches.notFound"}`)
				return
			}
			fmt.Fprintf(w, `{"id": %s, "name": "br-%s", "isDefault": %t}`, id, id, def)
		default:
			mu.Lock()
			*others = append(*others, r.Method+" "+r.URL.Path)
			mu.Unlock()
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprint(w, `{"error": "unexpected"}`)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestRunUploadRefusedInDevelopmentBranch(t *testing.T) {
	var others []string
	srv := fakeStorage(t, "77", map[string]bool{"100": true, "200": false}, &others)
	host := strings.TrimPrefix(srv.URL, "http://")
	for _, tt := range []struct {
		name, branch, project, want string
	}{
		{"development branch", "200", "77", `this job runs in the development branch "br-200" (id 200): direct upload would write the production tables, so it is refused`},
		{"unknown branch", "300", "77", "branch 300 of this job (KBC_BRANCHID) does not exist in project 77"},
		{"token of another project", "100", "78", "this job runs in project 78 on " + host + ", but the upload token belongs to project 77"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := dataDir(t, `{"parameters": {"schema": `+tinySchema+`, "upload": {"url": "`+srv.URL+`", "#storage_token": "tok-123456"}}}`, "")
			env := map[string]string{"KBC_RUNID": "1", "KBC_COMPONENTID": "x.datagen", "KBC_BRANCHID": tt.branch,
				"KBC_PROJECTID": tt.project, "KBC_STACKID": host}
			_, _, stderr, err := runIn(t, dir, env, Options{Upload: DirectUpload})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
			if ExitCode(err) != ExitUserError || stderr != "" {
				t.Errorf("exit code %d, stderr %q", ExitCode(err), stderr)
			}
			if len(others) > 0 {
				t.Errorf("requests after the refusal: %v", others)
			}
		})
	}
	// In the default branch the upload goes on: the next request is for
	// the destination bucket (refused by the fake server).
	dir := dataDir(t, `{"parameters": {"schema": `+tinySchema+`, "upload": {"url": "`+srv.URL+`", "#storage_token": "tok-123456"}}}`, "")
	env := map[string]string{"KBC_RUNID": "1", "KBC_COMPONENTID": "x.datagen", "KBC_BRANCHID": "100",
		"KBC_PROJECTID": "77", "KBC_STACKID": host}
	if _, _, _, err := runIn(t, dir, env, Options{Upload: DirectUpload}); err == nil || strings.Contains(err.Error(), "branch") {
		t.Errorf("default branch: %v", err)
	}
	if len(others) == 0 || !strings.HasPrefix(others[0], "GET /v2/storage/buckets/") {
		t.Errorf("default branch: requests after the check %v", others)
	}
}

func TestRunDestinationBucket(t *testing.T) {
	for _, tt := range []struct {
		name, storage, bucket, env string
		manifest, tableID          string
		warn                       bool
	}{
		{"default bucket", `"storage": {"output": {"default_bucket": "in.c-keboola-ex-datagen-123"}},`, "", "",
			"u", "in.c-keboola-ex-datagen-123.u", false},
		{"explicit bucket wins", `"storage": {"output": {"default_bucket": "in.c-keboola-ex-datagen-123"}},`, "out.c-mine", "",
			"out.c-mine.u", "out.c-mine.u", false},
		{"no bucket outside Keboola", "", "", "", "in.c-datagen.u", "in.c-datagen.u", false},
		{"no bucket in Keboola", "", "", "KBC_RUNID", "in.c-datagen.u", "in.c-datagen.u", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := dataDir(t, `{`+tt.storage+`"parameters": {"schema": `+tinySchema+`, "destination": {"bucket": "`+tt.bucket+`"}}}`, "")
			env := map[string]string{}
			if tt.env != "" {
				env["KBC_RUNID"], env["KBC_COMPONENTID"] = "1", "x.datagen"
			}
			sum, stdout, _, err := runIn(t, dir, env, Options{})
			if err != nil {
				t.Fatal(err)
			}
			var m struct {
				Destination string `json:"destination"`
			}
			readJSON(t, filepath.Join(dir, "out", "tables", "u.csv.manifest"), &m)
			if m.Destination != tt.manifest || sum.Tables[0].Destination != tt.tableID {
				t.Errorf("manifest destination %q, table id %q", m.Destination, sum.Tables[0].Destination)
			}
			if !strings.Contains(stdout, "Staged table "+tt.tableID) {
				t.Errorf("log lacks the table id:\n%s", stdout)
			}
			if got := strings.Contains(stdout, "Warning: neither parameters.destination.bucket nor the configuration's default bucket is set"); got != tt.warn {
				t.Errorf("fallback warning %v:\n%s", got, stdout)
			}
		})
	}
}

// TestRunFormDefaults runs the configuration a new configuration gets from
// the form: testdata/form-defaults.json is what React JSON Schema Form
// builds from configSchema.json's defaults (tools/formdefaults). An object
// field with a default but neither properties nor additionalProperties
// comes out of that form as {}; the schema field must keep its default.
func TestRunFormDefaults(t *testing.T) {
	saved, err := os.ReadFile(filepath.Join("testdata", "form-defaults.json"))
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Parameters struct {
			Schema json.RawMessage `json:"schema"`
		} `json:"parameters"`
	}
	var form struct {
		Properties struct {
			Schema struct {
				Default json.RawMessage `json:"default"`
			} `json:"schema"`
		} `json:"properties"`
	}
	readJSON(t, filepath.Join("testdata", "form-defaults.json"), &got)
	readJSON(t, repoFile("component_config", "configSchema.json"), &form)
	var a, b any
	_ = json.Unmarshal(got.Parameters.Schema, &a)
	_ = json.Unmarshal(form.Properties.Schema.Default, &b)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("testdata/form-defaults.json is stale or the form drops the schema's default: regenerate it with tools/formdefaults")
	}
	dir := dataDir(t, string(saved), "")
	sum, _, stderr, err := runIn(t, dir, map[string]string{"KBC_TOKEN": "fwd-token-1"}, Options{})
	if err != nil {
		t.Fatalf("the form's defaults do not run: %v", err)
	}
	if len(sum.Tables) != 2 || sum.Tables[0].Rows != 1000 || stderr != "" {
		t.Errorf("tables %+v, stderr %q", sum.Tables, stderr)
	}
}
