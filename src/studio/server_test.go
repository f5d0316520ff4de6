package studio

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"datagen/src/column"
	"datagen/src/input"
	"datagen/src/preview"
)

// testServer serves a studio for path on a loopback port.
func testServer(t *testing.T, path string) (*Server, string) {
	t.Helper()
	s, err := New(Options{Path: path, Seed: 42, Token: "tok"})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := s.Listen(0)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	return s, "http://" + ln.Addr().String()
}

// post sends body to the API path with the token (when not "") and
// returns the status and decoded answer.
func post(t *testing.T, url, token, body string, out any) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set(TokenHeader, token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("%s: %v: %s", url, err, data)
		}
	}
	return res.StatusCode
}

const goodSchema = `{
  "version": "1.0",
  "metadata": {"name": "T"},
  "timeframe": {"start": "2025-01-01T00:00:00Z", "end": "2025-01-31T23:59:59Z", "freq": "h"},
  "nodes": [
    {"id": "customer", "kind": "entity", "rows": 30, "pk": "id", "columns": [
      {"name": "id", "type": "int", "generator": {"sequence": {"start": 1, "step": 1}}},
      {"name": "tier", "type": "string", "generator": {"choice": {"choices": ["a", "b"], "weights": [0.9, 0.1]}}},
      {"name": "score", "type": "float", "nullable": true, "null_rate": 0.2,
       "generator": {"distribution": {"type": "uniform", "params": {"low": 0, "high": 10}}}}
    ]}
  ]
}`

func TestCheckAPI(t *testing.T) {
	_, base := testServer(t, "")
	cases := []struct {
		name   string
		body   string
		valid  bool
		probs  []Problem
		tables int
	}{
		{name: "good", body: goodSchema, valid: true, tables: 1},
		{name: "starter", body: string(starter), valid: true, tables: 1},
		{name: "unknown key with its path", body: strings.Replace(goodSchema, `"sequence"`, `"sequnce"`, 1), probs: []Problem{
			{Problem: input.Problem{Path: "nodes[0](customer).columns[0](id).generator.sequnce", Message: `unknown key "sequnce"`, Suggestion: `did you mean "sequence"?`}},
			{Problem: input.Problem{Path: "nodes[0](customer).columns[0](id).generator", Message: "a generator needs one of: sequence, choice, distribution, datetime_series, faker, lookup, expression, enum_list, aggregate"}},
		}},
		{name: "syntax error with its position", body: "{\n  \"version\": \"1.0\",\n  \"nodes\": [}\n}", probs: []Problem{
			{Problem: input.Problem{Message: "invalid JSON: invalid character '}' looking for beginning of value"}, Line: 3, Column: 13},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var res CheckResult
			if code := post(t, base+"/api/check", "tok", tc.body, &res); code != http.StatusOK {
				t.Fatalf("status %d", code)
			}
			if res.Valid != tc.valid || res.Tables != tc.tables {
				t.Errorf("valid %v, tables %d; want %v, %d (problems %+v)", res.Valid, res.Tables, tc.valid, tc.tables, res.Problems)
			}
			if tc.probs != nil && !equalProblems(res.Problems, tc.probs) {
				t.Errorf("problems\n%+v\nwant\n%+v", res.Problems, tc.probs)
			}
			if tc.valid && len(res.Problems) != 0 {
				t.Errorf("problems of a valid schema: %+v", res.Problems)
			}
		})
	}
}

func equalProblems(a, b []Problem) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// A schema that decodes but fails to generate is located at its column.
func TestCheckLocatesGenerationErrors(t *testing.T) {
	bad := strings.Replace(goodSchema, `{"sequence": {"start": 1, "step": 1}}`, `{"expression": {"code": "nosuchfunc(1)"}}`, 1)
	res, err := Check(context.Background(), []byte(bad), false)
	if err != nil {
		t.Fatal(err)
	}
	if res.Valid || len(res.Problems) == 0 {
		t.Fatalf("want a problem, got %+v", res)
	}
	if p := res.Problems[0]; !strings.HasPrefix(p.Path, "nodes[0](customer).columns[0](id)") {
		t.Errorf("problem %+v is not located at the column", p)
	}
}

func TestSampleAPI(t *testing.T) {
	_, base := testServer(t, "")
	// SampleResult as the page reads it (a cell is its text or null).
	type answer struct {
		Problems []Problem
		Tables   []struct {
			ID      string
			Columns []string
			Total   int64 `json:"total_rows"`
			Rows    [][]*string
			Charts  []Chart
		}
	}
	var res answer
	if code := post(t, base+"/api/sample", "tok", goodSchema, &res); code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	if len(res.Problems) != 0 || len(res.Tables) != 1 {
		t.Fatalf("problems %+v, %d tables", res.Problems, len(res.Tables))
	}
	tb := res.Tables[0]
	if tb.ID != "customer" || tb.Total != 30 || len(tb.Rows) != shownRows || strings.Join(tb.Columns, ",") != "id,tier,score" {
		t.Fatalf("table %s: %d rows of %d, columns %v", tb.ID, len(tb.Rows), tb.Total, tb.Columns)
	}
	for i, r := range tb.Rows {
		if want := i + 1; r[0] == nil || *r[0] != strconv.Itoa(want) {
			t.Errorf("row %d: id %v, want %d", i, r[0], want)
		}
	}
	// The charts count every one of the 30 rows.
	id, tier, score := tb.Charts[0], tb.Charts[1], tb.Charts[2]
	if id.Kind != "histogram" || id.Count != 30 || sumBars(id.Bars) != 30 || len(id.Bars) != histBins {
		t.Errorf("id chart %+v", id)
	}
	if tier.Kind != "top" || sumBars(tier.Bars) != 30 || tier.Bars[0].Label != "a" || tier.Bars[0].Count < 20 {
		t.Errorf("tier chart %+v", tier)
	}
	if score.Kind != "histogram" || score.Nulls == 0 || sumBars(score.Bars)+score.Nulls != 30 {
		t.Errorf("score chart %+v", score)
	}

	// A bad schema gives its problems and no tables.
	res = answer{}
	post(t, base+"/api/sample", "tok", `{"nodes": 3}`, &res)
	if len(res.Tables) != 0 || len(res.Problems) == 0 {
		t.Errorf("bad schema: %+v", res)
	}
}

func sumBars(bs []Bar) int {
	n := 0
	for _, b := range bs {
		n += b.Count
	}
	return n
}

func TestHistogramOfSmallIntegers(t *testing.T) {
	got := chart(column.Field{Name: "n", Type: column.Int}, rowsOf("1", "2", "2", "3", "3", "3", ""), 0)
	if got.Kind != "histogram" || len(got.Bars) != 3 || got.Nulls != 1 {
		t.Fatalf("chart %+v", got)
	}
	for i, want := range []struct {
		label string
		n     int
	}{{"1", 1}, {"2", 2}, {"3", 3}} {
		if b := got.Bars[i]; b.Label != want.label || b.To != "" || b.Count != want.n {
			t.Errorf("bar %d: %+v, want %s×%d", i, b, want.label, want.n)
		}
	}
	if d := chart(column.Field{Name: "s", Type: column.String}, rowsOf("x", "y", "z"), 0); d.Kind != "distinct" || d.Distinct != 3 || len(d.Bars) != 0 {
		t.Errorf("all-distinct chart %+v", d)
	}
}

// rowsOf is a one-column sample; "" is a null.
func rowsOf(texts ...string) [][]preview.Cell {
	rows := make([][]preview.Cell, len(texts))
	for i, s := range texts {
		rows[i] = []preview.Cell{{Text: s, Null: s == ""}}
	}
	return rows
}

func TestSave(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "schema.json")
	other := filepath.Join(dir, "other.json")
	_, base := testServer(t, path)

	if code := post(t, base+"/api/save", "tok", `{"text": "{\"version\": \"1.0\"}\n"}`, nil); code != http.StatusOK {
		t.Fatalf("save: status %d", code)
	}
	if got, _ := os.ReadFile(path); string(got) != "{\"version\": \"1.0\"}\n" {
		t.Errorf("saved %q", got)
	}
	// Naming the same file is fine; any other path is refused.
	if code := post(t, base+"/api/save", "tok", `{"path": "`+path+`", "text": "{}"}`, nil); code != http.StatusOK {
		t.Errorf("save to its own path: status %d", code)
	}
	var e struct{ Error string }
	if code := post(t, base+"/api/save", "tok", `{"path": "`+other+`", "text": "{}"}`, &e); code != http.StatusForbidden ||
		!strings.Contains(e.Error, "writes only "+path) {
		t.Errorf("save elsewhere: status %d, %q", code, e.Error)
	}
	if code := post(t, base+"/api/save", "tok", `{"path": "../`+filepath.Base(dir)+`/other.json", "text": "{}"}`, nil); code != http.StatusForbidden {
		t.Errorf("save to a relative path elsewhere: status %d", code)
	}
	if _, err := os.Stat(other); !os.IsNotExist(err) {
		t.Errorf("%s was written", other)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("left in the folder: %v", entries)
	}
	if got, _ := os.ReadFile(path); string(got) != "{}" {
		t.Errorf("saved %q", got)
	}
}

// Saving through a symbolic link writes the file it points to; the link
// stays.
func TestSaveThroughSymlink(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real.json")
	link := filepath.Join(dir, "link.json")
	if err := os.WriteFile(real, []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("real.json", link); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	_, base := testServer(t, link)
	if code := post(t, base+"/api/save", "tok", `{"text": "[]"}`, nil); code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v", err)
	}
	if got, _ := os.ReadFile(real); string(got) != "[]" {
		t.Errorf("real file holds %q", got)
	}
}

func TestSaveWithoutFile(t *testing.T) {
	_, base := testServer(t, "")
	var e struct{ Error string }
	if code := post(t, base+"/api/save", "tok", `{"text": "{}"}`, &e); code != http.StatusConflict || !strings.Contains(e.Error, "without a schema file") {
		t.Errorf("status %d, %q", code, e.Error)
	}
}

func TestTokenRequired(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "schema.json")
	_, base := testServer(t, path)
	for _, api := range []string{"/api/check", "/api/sample", "/api/save"} {
		for _, tok := range []string{"", "wrong"} {
			if code := post(t, base+api, tok, `{"text": "{}"}`, nil); code != http.StatusForbidden {
				t.Errorf("%s with token %q: status %d, want 403", api, tok, code)
			}
		}
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Error("a request without the token wrote the file")
	}
	// The page itself needs the token in its URL.
	for url, want := range map[string]int{base + "/": 403, base + "/?token=wrong": 403, base + "/?token=tok": 200,
		base + "/assets/app.js": 200, base + "/assets/editor.js": 200, base + "/nope": 404} {
		res, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != want {
			t.Errorf("GET %s: %d, want %d", url, res.StatusCode, want)
		}
	}
}

// Requests for another host name (DNS rebinding) or from another origin
// are refused; bodies are bounded.
func TestHostOriginAndSize(t *testing.T) {
	s, base := testServer(t, "")
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(base, "http://"))
	h := s.Handler()
	for host, want := range map[string]int{
		"127.0.0.1:" + port: 200, "localhost:" + port: 200, "evil.example:" + port: 421, "127.0.0.1:1": 421, "": 421,
	} {
		req := httptest.NewRequest(http.MethodGet, "/?token=tok", nil)
		req.Host = host
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != want {
			t.Errorf("Host %q: %d, want %d", host, rec.Code, want)
		}
	}
	req := httptest.NewRequest(http.MethodPost, "/api/check", strings.NewReader(goodSchema))
	req.Host = "127.0.0.1:" + port
	req.Header.Set(TokenHeader, "tok")
	req.Header.Set("Origin", "http://evil.example")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden {
		t.Errorf("cross-origin POST: %d, want 403", rec.Code)
	}
	var e struct{ Error string }
	if code := post(t, base+"/api/check", "tok", strings.Repeat(" ", MaxBody+1), &e); code != http.StatusRequestEntityTooLarge {
		t.Errorf("large body: %d %q, want 413", code, e.Error)
	}
}

// The page is self-contained: no script or style from elsewhere, the
// vendored editor with its licences.
func TestPageIsSelfContained(t *testing.T) {
	for _, f := range []string{"assets/index.html", "assets/app.js", "assets/app.css"} {
		data, err := assets.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, bad := range []string{"http://", "https://", "//cdn", "@import"} {
			if strings.Contains(string(data), bad) && !(f == "assets/app.js" && bad == "http://" && strings.Contains(string(data), `"http://www.w3.org/2000/svg"`)) {
				t.Errorf("%s contains %q", f, bad)
			}
		}
	}
	lic, err := assets.ReadFile("assets/editor.LICENSES.txt")
	if err != nil || !strings.Contains(string(lic), "@codemirror/view") || !strings.Contains(string(lic), "MIT") {
		t.Errorf("editor licences missing: %v", err)
	}
}
