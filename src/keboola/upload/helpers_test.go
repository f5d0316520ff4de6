package upload

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"
	"github.com/sirupsen/logrus"

	"datagen/src/keboola/storage"
)

const testToken = "123-456789-SECRETtokenVALUEabcdef"

// sampleRows returns n deterministic rows (id, customer, note, amount) whose
// notes hold delimiters, quotes and line breaks.
func sampleRows(n, start int) [][]string {
	notes := []string{"plain", "with, comma", `with "quotes"`, "multi\nline", "", "tab\there", `mix "a", b` + "\nc", "ünïcödé"}
	rows := make([][]string, n)
	for i := range rows {
		id := start + i
		rows[i] = []string{fmt.Sprint(id), fmt.Sprintf("cust_%d", id%97), notes[id%len(notes)], fmt.Sprintf("%d.%02d", id*7%1000, id%100)}
	}
	return rows
}

var sampleHeader = []string{"id", "customer", "note", "amount"}

// csvBytes renders records in Keboola's dialect (LF, minimal quoting).
func csvBytes(t testing.TB, records ...[][]string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	for _, recs := range records {
		if err := w.WriteAll(recs); err != nil {
			t.Fatal(err)
		}
	}
	return b.Bytes()
}

func gzBytes(t testing.TB, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func writeFile(t testing.TB, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func writeManifest(t testing.TB, path string, v any) {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, path, data)
}

// headed returns header + rows as one record list.
func headed(header []string, rows [][]string) [][]string {
	return append([][]string{header}, rows...)
}

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// testEnv couples a fake Storage API with an emulator and a data folder.
type testEnv struct {
	t     testing.TB
	kbc   *fakeKBC
	blobs blobBackend
	dir   string
	state string
	logs  *syncBuffer
}

func newEnv(t testing.TB, blobs blobBackend) *testEnv {
	tmp := t.TempDir()
	return &testEnv{t: t, kbc: newFakeKBC(t, testToken, blobs), blobs: blobs, dir: filepath.Join(tmp, "csv_out"),
		state: filepath.Join(tmp, "state.json"), logs: &syncBuffer{}}
}

// options returns Options tuned for tests: fast retries and polls, loopback
// endpoints, logs captured.
func (e *testEnv) options() Options {
	log := logrus.New()
	log.SetOutput(e.logs)
	log.SetLevel(logrus.DebugLevel)
	return Options{
		URL: e.kbc.srv.URL, Token: testToken, Dir: e.dir, Bucket: "in.c-datagen",
		StateFile: e.state, Logger: log, ProgressInterval: 20 * time.Millisecond,
		Retry:     &storage.RetryPolicy{MaxAttempts: 5, InitialDelay: time.Millisecond, MaxDelay: 20 * time.Millisecond, MaxElapsed: 20 * time.Second},
		Poll:      &storage.PollPolicy{InitialDelay: time.Millisecond, MaxDelay: 10 * time.Millisecond, Timeout: 20 * time.Second},
		Endpoints: e.blobs.endpoints(),
	}
}

// run uploads with opts modified by mod.
func (e *testEnv) run(mod func(*Options)) (*Summary, error) {
	e.t.Helper()
	opts := e.options()
	if mod != nil {
		mod(&opts)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	sum, err := Run(ctx, opts)
	if strings.Contains(e.logs.String(), testToken) {
		e.t.Errorf("the token appears in the log")
	}
	if err != nil && strings.Contains(err.Error(), testToken) {
		e.t.Errorf("the token appears in the error: %v", err)
	}
	return sum, err
}

// assertRows compares a fake table's rows with want.
func assertRows(t testing.TB, kbc *fakeKBC, id string, wantCols []string, want [][]string) {
	t.Helper()
	tb := kbc.table(id)
	if tb == nil {
		t.Fatalf("table %s does not exist", id)
	}
	if fmt.Sprint(tb.Columns) != fmt.Sprint(wantCols) {
		t.Errorf("table %s columns = %v, want %v", id, tb.Columns, wantCols)
	}
	if len(tb.Rows) != len(want) {
		t.Fatalf("table %s has %d rows, want %d", id, len(tb.Rows), len(want))
	}
	for i := range want {
		if fmt.Sprintf("%q", tb.Rows[i]) != fmt.Sprintf("%q", want[i]) {
			t.Fatalf("table %s row %d = %q, want %q", id, i, tb.Rows[i], want[i])
		}
	}
}

// result finds a table's result in a summary.
func result(t testing.TB, sum *Summary, id string) TableResult {
	t.Helper()
	for _, r := range sum.Tables {
		if r.TableID == id {
			return r
		}
	}
	t.Fatalf("no result for %s", id)
	return TableResult{}
}

// newHTMLServer answers every request with an HTML page (a wrong URL).
func newHTMLServer(t testing.TB) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte("<html><body>Welcome</body></html>"))
	}))
	t.Cleanup(srv.Close)
	return srv
}
