package storage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sirupsen/logrus"
)

const token = "987-654321-VeryS3cretTokenValue"

// step is one canned answer of a scripted server.
type step struct {
	status int
	body   string
	header map[string]string
}

// scripted serves the steps in order for each "METHOD path" and records
// every request body.
type scripted struct {
	mu     sync.Mutex
	steps  map[string][]step
	bodies map[string][]string
	srv    *httptest.Server
}

func newScripted(t *testing.T, steps map[string][]step) *scripted {
	s := &scripted{steps: steps, bodies: map[string][]string{}}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get(TokenHeader) != token {
			w.WriteHeader(401)
			io.WriteString(w, `{"error":"Invalid access token","code":"storage.tokenInvalid","exceptionId":"exc-1"}`)
			return
		}
		key := r.Method + " " + r.URL.Path
		b, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.bodies[key] = append(s.bodies[key], string(b))
		list := s.steps[key]
		if len(list) == 0 {
			s.mu.Unlock()
			w.WriteHeader(599)
			io.WriteString(w, `{"error":"unexpected request `+key+`"}`)
			return
		}
		st := list[0]
		if len(list) > 1 {
			s.steps[key] = list[1:]
		}
		s.mu.Unlock()
		for k, v := range st.header {
			w.Header().Set(k, v)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(st.status)
		io.WriteString(w, st.body)
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *scripted) calls(key string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.bodies[key]
}

func testClient(t *testing.T, url string, opts ...Option) (*Client, *strings.Builder) {
	t.Helper()
	var logs strings.Builder
	log := logrus.New()
	log.SetOutput(&logs)
	log.SetLevel(logrus.DebugLevel)
	base := []Option{
		WithLogger(log),
		WithRetryPolicy(RetryPolicy{MaxAttempts: 4, InitialDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond, MaxElapsed: 10 * time.Second}),
		WithPollPolicy(PollPolicy{InitialDelay: time.Millisecond, MaxDelay: 4 * time.Millisecond, Timeout: 5 * time.Second}),
	}
	c, err := New(url, token, append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c, &logs
}

func TestParseURL(t *testing.T) {
	tests := []struct {
		in, want, err string
	}{
		{"https://connection.keboola.com", "https://connection.keboola.com", ""},
		{"connection.eu-central-1.keboola.com", "https://connection.eu-central-1.keboola.com", ""},
		{"https://connection.keboola.com/v2/storage/", "https://connection.keboola.com", ""},
		{"http://127.0.0.1:8080", "http://127.0.0.1:8080", ""},
		{"", "", "URL is empty"},
		{"ftp://connection.keboola.com", "", "scheme must be https"},
		{"https://connection.keboola.com/admin/projects/1", "", "unexpected path"},
		{"https://connection.keboola.com?token=x", "", "give only scheme and host"},
		{"https://", "", "no host"},
	}
	for _, tc := range tests {
		u, err := ParseURL(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParseURL(%q) error %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || u.String() != tc.want {
			t.Errorf("ParseURL(%q) = %v, %v; want %s", tc.in, u, err, tc.want)
		}
	}
}

// TestVerifyTokenRetryPolicy checks that tokens/verify follows the
// client's retry policy: a maintenance window (503 maintenance) and server
// errors are waited out for as many attempts as the policy allows, while a
// URL nothing answers at fails after 4 attempts.
func TestVerifyTokenRetryPolicy(t *testing.T) {
	maint := step{status: 503, body: `{"status":"maintenance","reason":"upgrade"}`, header: map[string]string{"Retry-After": "0"}}
	boom := step{status: 500, body: `{"error":"boom"}`}
	ok := step{status: 200, body: `{"id":"1","owner":{"id":77,"name":"P"}}`}
	policy := WithRetryPolicy(RetryPolicy{MaxAttempts: 10, InitialDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond, MaxElapsed: 10 * time.Second})
	s := newScripted(t, map[string][]step{"GET /v2/storage/tokens/verify": {maint, maint, maint, maint, boom, maint, ok}})
	c, _ := testClient(t, s.srv.URL, policy)
	tok, err := c.VerifyToken(context.Background())
	if err != nil || tok.Owner.ID != "77" {
		t.Fatalf("after a maintenance window: %v, %+v", err, tok)
	}
	if n := len(s.calls("GET /v2/storage/tokens/verify")); n != 7 {
		t.Errorf("%d requests, want 7", n)
	}

	// The policy's budget still ends the wait.
	s = newScripted(t, map[string][]step{"GET /v2/storage/tokens/verify": {maint}})
	c, _ = testClient(t, s.srv.URL, policy)
	if _, err := c.VerifyToken(context.Background()); err == nil {
		t.Fatal("an endless maintenance window verified the token")
	}
	if n := len(s.calls("GET /v2/storage/tokens/verify")); n != 10 {
		t.Errorf("%d requests, want the policy's 10", n)
	}

	// Nothing answers: 4 attempts, not the policy's 10.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	c, _ = testClient(t, "http://"+addr, policy)
	if _, err := c.VerifyToken(context.Background()); err == nil || !strings.Contains(err.Error(), "giving up after 4 attempts") {
		t.Errorf("connection refused: %v", err)
	}
}

func TestVerifyToken(t *testing.T) {
	verify := `{"id":"1234","description":"ci","canManageBuckets":1,"bucketPermissions":[],"isExpired":false,
	  "admin":{"id":5,"name":"x","role":"admin"},
	  "owner":{"id":77,"name":"P","features":["new-native-types","disable-legacy-bucket-prefix"],"fileStorageProvider":"gcp",
	           "limits":{"storage.jobsParallelism":{"name":"storage.jobsParallelism","value":"6"}}}}`
	s := newScripted(t, map[string][]step{"GET /v2/storage/tokens/verify": {{status: 200, body: verify}}})
	c, _ := testClient(t, s.srv.URL)
	tok, err := c.VerifyToken(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if tok.ID != "1234" || tok.Owner.ID != "77" || tok.Owner.FileStorageProvider != "gcp" || !bool(tok.CanManageBuckets) ||
		!tok.NativeTypes() || !tok.HasFeature(FeatureDisableLegacyBucketPrefix) || tok.JobsParallelism() != 6 ||
		tok.BucketPermissions == nil || tok.ReadOnly() || !tok.CanWriteBucket("in.c-x") {
		t.Errorf("decoded token %+v", tok)
	}
}

func TestVerifyTokenErrors(t *testing.T) {
	html := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, "<html>hello</html>")
	}))
	defer html.Close()
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get(TokenHeader) != "" {
			t.Errorf("the token was sent to the redirect target")
		}
	}))
	defer other.Close()
	redirect := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.Path, http.StatusMovedPermanently)
	}))
	defer redirect.Close()
	s := newScripted(t, map[string][]step{})

	tests := []struct {
		name, url, tok, want string
		connect              bool
	}{
		{"bad token", s.srv.URL, "wrong-but-long-token", "token was rejected", false},
		{"html page", html.URL, token, "is this a Keboola Storage API URL?", true},
		{"redirect", redirect.URL, token, "was redirected to", true},
		{"refused", "http://127.0.0.1:1", token, "cannot connect", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, logs := testClient(t, tc.url)
			c.token = tc.tok
			_, err := c.VerifyToken(context.Background())
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
			var ce *ConnectError
			if errors.As(err, &ce) != tc.connect {
				t.Errorf("ConnectError = %v, want %v (%v)", !tc.connect, tc.connect, err)
			}
			if strings.Contains(err.Error()+logs.String(), tc.tok) {
				t.Errorf("token leaked")
			}
		})
	}
}

// TestRetryPolicy checks which failures are retried for which requests.
func TestRetryPolicy(t *testing.T) {
	boom := step{status: 500, body: `{"error":"boom","exceptionId":"exc-9"}`}
	bad := step{status: 502, body: `<html>bad gateway</html>`}
	tooMany := step{status: 429, body: `{"error":"slow down"}`, header: map[string]string{"Retry-After": "0"}}
	maint := step{status: 503, body: `{"status":"maintenance","reason":"upgrade","estimatedEndTime":"2026-01-01T10:00:00+0000"}`, header: map[string]string{"Retry-After": "0"}}
	plain503 := step{status: 503, body: `{"error":"unavailable"}`}
	ok := step{status: 200, body: `{"id":"in.c-x","name":"c-x","stage":"in"}`}
	job := step{status: 202, body: `{"id":55,"status":"success","operationName":"tableImport","results":[]}`}
	tests := []struct {
		name      string
		key       string
		steps     []step
		call      func(c *Client) error
		wantCalls int
		wantErr   string
	}{
		{"GET retries 5xx", "GET /v2/storage/buckets/in.c-x", []step{boom, bad, ok},
			func(c *Client) error { _, err := c.GetBucket(context.Background(), "in.c-x"); return err }, 3, ""},
		{"GET gives up", "GET /v2/storage/buckets/in.c-x", []step{boom, boom, boom, boom, boom},
			func(c *Client) error { _, err := c.GetBucket(context.Background(), "in.c-x"); return err }, 4, "giving up after 4 attempts"},
		{"400 not retried", "GET /v2/storage/buckets/in.c-x", []step{{status: 400, body: `{"error":"bad","code":"storage.validation"}`}, ok},
			func(c *Client) error { _, err := c.GetBucket(context.Background(), "in.c-x"); return err }, 1, "bad (code storage.validation)"},
		{"501 not retried", "GET /v2/storage/buckets/in.c-x", []step{{status: 501, body: `{"error":"nope"}`}, ok},
			func(c *Client) error { _, err := c.GetBucket(context.Background(), "in.c-x"); return err }, 1, "501"},
		{"full import retries 500", "POST /v2/storage/tables/in.c-x.t/import-async", []step{boom, job},
			func(c *Client) error {
				_, err := c.SubmitImport(context.Background(), "in.c-x.t", ImportRequest{DataFileID: 1})
				return err
			}, 2, ""},
		{"incremental import not retried on 500", "POST /v2/storage/tables/in.c-x.t/import-async", []step{boom, job},
			func(c *Client) error {
				_, err := c.SubmitImport(context.Background(), "in.c-x.t", ImportRequest{DataFileID: 1, Incremental: true})
				return err
			}, 1, "exception id exc-9"},
		{"incremental import not retried on plain 503", "POST /v2/storage/tables/in.c-x.t/import-async", []step{plain503, job},
			func(c *Client) error {
				_, err := c.SubmitImport(context.Background(), "in.c-x.t", ImportRequest{DataFileID: 1, Incremental: true})
				return err
			}, 1, "503"},
		{"incremental import retried on 429 and maintenance", "POST /v2/storage/tables/in.c-x.t/import-async", []step{tooMany, maint, job},
			func(c *Client) error {
				_, err := c.SubmitImport(context.Background(), "in.c-x.t", ImportRequest{DataFileID: 1, Incremental: true})
				return err
			}, 3, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newScripted(t, map[string][]step{tc.key: tc.steps})
			c, _ := testClient(t, s.srv.URL)
			err := tc.call(c)
			if tc.wantErr == "" && err != nil {
				t.Fatalf("error %v", err)
			}
			if tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("error %v, want %q", err, tc.wantErr)
			}
			if n := len(s.calls(tc.key)); n != tc.wantCalls {
				t.Errorf("%d calls, want %d", n, tc.wantCalls)
			}
		})
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	s := newScripted(t, map[string][]step{"GET /v2/storage/jobs/1": {
		{status: 429, body: `{"error":"slow"}`, header: map[string]string{"Retry-After": "1"}},
		{status: 200, body: `{"id":1,"status":"success"}`},
	}})
	c, _ := testClient(t, s.srv.URL)
	start := time.Now()
	if _, err := c.GetJob(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < time.Second {
		t.Errorf("retried after %v, before Retry-After: 1", d)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Duration{
		"": 0, "0": 0, "7": 7 * time.Second, "-3": 0, "soon": 0,
		"Thu, 01 Jan 2026 10:00:30 GMT": 30 * time.Second, "Thu, 01 Jan 2026 09:00:00 GMT": 0,
	} {
		if got := parseRetryAfter(in, now); got != want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestCreateBucket(t *testing.T) {
	created := step{status: 201, body: `{"id":"in.c-datagen","name":"c-datagen","stage":"in"}`}
	exists := step{status: 400, body: `{"error":"The bucket already exists","code":"storage.buckets.alreadyExists"}`}
	got := step{status: 200, body: `{"id":"in.c-datagen","name":"c-datagen","stage":"in"}`}
	tests := []struct {
		name     string
		legacy   bool
		steps    []step
		wantName string
		wantGets int
	}{
		{"legacy prefix stripped", true, []step{created}, "datagen", 0},
		{"no legacy prefix", false, []step{created}, "c-datagen", 0},
		{"lost answer then already exists", true, []step{{status: 500, body: `{"error":"x"}`}, exists}, "datagen", 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newScripted(t, map[string][]step{"POST /v2/storage/buckets": tc.steps, "GET /v2/storage/buckets/in.c-datagen": {got}})
			c, _ := testClient(t, s.srv.URL)
			b, err := c.CreateBucket(context.Background(), "in.c-datagen", tc.legacy)
			if err != nil || b.ID != "in.c-datagen" {
				t.Fatalf("CreateBucket = %+v, %v", b, err)
			}
			var body map[string]string
			_ = json.Unmarshal([]byte(s.calls("POST /v2/storage/buckets")[0]), &body)
			if body["name"] != tc.wantName || body["stage"] != "in" {
				t.Errorf("sent %v, want name %q stage in", body, tc.wantName)
			}
			if n := len(s.calls("GET /v2/storage/buckets/in.c-datagen")); n != tc.wantGets {
				t.Errorf("%d GETs, want %d", n, tc.wantGets)
			}
		})
	}
	c, _ := testClient(t, "http://127.0.0.1:1")
	if _, err := c.CreateBucket(context.Background(), "in.datagen", true); err == nil || !strings.Contains(err.Error(), `start with "c-"`) {
		t.Errorf("missing c- prefix: %v", err)
	}
}

// TestCreateTableReconciles: the first create is processed but its answer
// lost; the retry finds the table and does not post again.
func TestCreateTableReconciles(t *testing.T) {
	table := `{"id":"in.c-x.orders","name":"orders","columns":["id","a"],"primaryKey":["id"]}`
	s := newScripted(t, map[string][]step{
		"POST /v2/storage/buckets/in.c-x/tables-async": {{status: 502, body: `{"error":"gateway"}`}},
		"GET /v2/storage/tables/in.c-x.orders":         {{status: 200, body: table}},
	})
	c, _ := testClient(t, s.srv.URL)
	tb, job, err := c.CreateTableFromFile(context.Background(), "in.c-x", CreateTableRequest{Name: "orders", DataFileID: 9, PrimaryKey: []string{"id", "a"}})
	if err != nil || job != nil || tb.ID != "in.c-x.orders" {
		t.Fatalf("CreateTableFromFile = %+v, %+v, %v", tb, job, err)
	}
	posts := s.calls("POST /v2/storage/buckets/in.c-x/tables-async")
	if len(posts) != 1 || !strings.Contains(posts[0], `"primaryKey":"id,a"`) {
		t.Errorf("posts %v, want one with primaryKey \"id,a\"", posts)
	}
}

func TestWaitForJob(t *testing.T) {
	s := newScripted(t, map[string][]step{
		"GET /v2/storage/jobs/7": {
			{status: 200, body: `{"id":7,"status":"processing"}`},
			{status: 200, body: `{"id":7,"status":"processing","results":null}`},
			{status: 200, body: `{"id":"7","status":"error","operationName":"tableImport","tableId":"in.c-x.t",
			  "error":{"code":"storage.tables.validation","message":"Invalid columns: x ` + token + `","exceptionId":"exc-77"}}`},
		},
		"GET /v2/storage/jobs/8": {{status: 200, body: `{"id":8,"status":"processing"}`}},
	})
	c, _ := testClient(t, s.srv.URL)
	_, err := c.WaitForJob(context.Background(), &Job{ID: 7, Status: JobStatusWaiting})
	var je *JobError
	if !errors.As(err, &je) || je.ExceptionID != "exc-77" || je.TableID != "in.c-x.t" {
		t.Fatalf("error %v, want a JobError with exception id", err)
	}
	want := "storage job 7 (tableImport in.c-x.t) failed: Invalid columns: x [hidden] (code storage.tables.validation, exception id exc-77)"
	if err.Error() != want {
		t.Errorf("error\n %s\nwant\n %s", err, want)
	}
	if n := len(s.calls("GET /v2/storage/jobs/7")); n != 3 {
		t.Errorf("%d polls, want 3", n)
	}
	c2, _ := testClient(t, s.srv.URL, WithPollPolicy(PollPolicy{InitialDelay: 5 * time.Millisecond, MaxDelay: 5 * time.Millisecond, Timeout: 40 * time.Millisecond}))
	if _, err := c2.WaitForJob(context.Background(), &Job{ID: 8, Status: JobStatusWaiting, OperationName: "tableImport"}); err == nil || !strings.Contains(err.Error(), "did not finish within 40ms") {
		t.Errorf("timeout error %v", err)
	}
}

func TestSetTableMetadataChunks(t *testing.T) {
	var posts []string
	s := newScripted(t, map[string][]step{"POST /v2/storage/tables/in.c-x.t/metadata": {{status: 201, body: `{}`}}})
	c, _ := testClient(t, s.srv.URL)
	var cols []ColumnMetadata
	for i := range 250 {
		cols = append(cols, ColumnMetadata{Column: fmt.Sprintf("c%d", i), Entries: []Metadata{{Key: "KBC.description", Value: fmt.Sprint(i)}}})
	}
	cols = append(cols, ColumnMetadata{Column: "empty"})
	if err := c.SetTableMetadata(context.Background(), "in.c-x.t", "keboola.ex-datagen", []Metadata{{Key: "KBC.description", Value: "T"}}, cols); err != nil {
		t.Fatal(err)
	}
	posts = s.calls("POST /v2/storage/tables/in.c-x.t/metadata")
	if len(posts) != 3 {
		t.Fatalf("%d requests, want 3", len(posts))
	}
	seen := map[string]bool{}
	for i, p := range posts {
		var body struct {
			Provider        string
			Metadata        []Metadata
			ColumnsMetadata map[string][]columnMetadataEntry
		}
		if err := json.Unmarshal([]byte(p), &body); err != nil {
			t.Fatal(err)
		}
		if body.Provider != "keboola.ex-datagen" || (i == 0) != (len(body.Metadata) == 1) || len(body.ColumnsMetadata) > 100 {
			t.Errorf("request %d: provider %q, %d table entries, %d columns", i, body.Provider, len(body.Metadata), len(body.ColumnsMetadata))
		}
		for _, g := range body.ColumnsMetadata {
			for _, e := range g {
				seen[e.ColumnName] = true
			}
		}
	}
	if len(seen) != 250 || seen["empty"] {
		t.Errorf("%d columns sent (empty included: %v), want 250", len(seen), seen["empty"])
	}
}

func TestFlexDecoding(t *testing.T) {
	var v struct {
		A FlexInt            `json:"a"`
		B FlexInt            `json:"b"`
		C FlexString         `json:"c"`
		D FlexMap[string]    `json:"d"`
		E FlexMap[string]    `json:"e"`
		F FlexBool           `json:"f"`
		G FlexBool           `json:"g"`
		H rawObject          `json:"h"`
		I map[string]FlexInt `json:"i"`
	}
	in := `{"a":"42","b":7,"c":123,"d":[],"e":{"k":"v"},"f":"1","g":0,"h":[],"i":{"x":null}}`
	if err := json.Unmarshal([]byte(in), &v); err != nil {
		t.Fatal(err)
	}
	if v.A != 42 || v.B != 7 || v.C != "123" || v.D == nil || len(v.D) != 0 || v.E["k"] != "v" || !bool(v.F) || bool(v.G) || v.H != nil {
		t.Errorf("decoded %+v", v)
	}
	var m FlexMap[string]
	if err := json.Unmarshal([]byte(`[1]`), &m); err == nil {
		t.Errorf("non-empty array accepted as a map")
	}
}

func TestSASConnectionString(t *testing.T) {
	c, err := ParseSASConnectionString("BlobEndpoint=https://acc.blob.core.windows.net/;SharedAccessSignature=?sv=2024&sig=ab%3D%3D")
	if err != nil || c.BlobEndpoint != "https://acc.blob.core.windows.net" || c.SharedAccessSignature != "sv=2024&sig=ab%3D%3D" {
		t.Errorf("parsed %+v, %v", c, err)
	}
	if _, err := ParseSASConnectionString("AccountName=x"); err == nil {
		t.Errorf("incomplete connection string accepted")
	}
}

func TestSplitIDs(t *testing.T) {
	for _, tc := range []struct{ in, err string }{
		{"in.c-datagen.orders", ""}, {"out.c-a_b.t-1", ""}, {"in.c-x", "want <stage>.<bucket>.<table>"},
		{"sys.c-x.t", `stage must be "in" or "out"`}, {"in.c-x.bad name", "may contain only"}, {"in.c-x.a.b", "want <stage>"},
		{"in.c-x." + strings.Repeat("a", 96), ""}, {"in.c-x." + strings.Repeat("a", 97), "1-96 characters"},
		{"in." + strings.Repeat("Z9", 48) + ".t", ""}, {"in." + strings.Repeat("b", 97) + ".t", "1-96 characters"},
		{"in.c-x.tá", "may contain only"}, {"in.c-x.t\n", "may contain only"}, {"in.c-x.", "may contain only"},
	} {
		_, _, err := SplitTableID(tc.in)
		if (tc.err == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), tc.err) {
			t.Errorf("SplitTableID(%q) error %v, want %q", tc.in, err, tc.err)
		}
	}
}

// TestDefaultRetryBudget: the default policy keeps retrying a failing
// request at least as long as the official PHP client (11 retries waiting
// 2^(n-1) s: 2047 s), even when jitter picks the shortest waits, and the
// time budget, not the attempt count, ends it.
func TestDefaultRetryBudget(t *testing.T) {
	p := DefaultRetryPolicy
	const phpTotal = 2047 * time.Second
	var total time.Duration
	d := p.InitialDelay
	attempts := 1
	for ; attempts < p.MaxAttempts && total < p.MaxElapsed; attempts++ {
		total += d / 2 // the shortest wait jitter may pick
		d = min(2*d, p.MaxDelay)
	}
	if total < p.MaxElapsed {
		t.Errorf("the attempts run out after %s, before the %s budget", total, p.MaxElapsed)
	}
	if p.MaxElapsed < phpTotal {
		t.Errorf("budget %s is less patient than the PHP client's %s", p.MaxElapsed, phpTotal)
	}
	// A maintenance window announces its end with Retry-After: a wait of
	// several minutes is honoured, within the budget.
	c := &Client{retry: p}
	wait, retry := c.shouldRetry(retryUnlessProcessed, &APIError{StatusCode: 503, Maintenance: true, RetryAfter: 5 * time.Minute}, 3)
	if !retry || wait != 5*time.Minute {
		t.Errorf("maintenance 503: wait %s, retry %v", wait, retry)
	}
	if pp := DefaultPollPolicy; pp.MaxDelay != 20*time.Second || pp.Timeout < 6*time.Hour {
		t.Errorf("poll policy %+v: the PHP client polls every min(2^n, 20) s without a deadline", pp)
	}
}

// Plain http is accepted for loopback hosts (test servers) and with the
// explicit option only: the token must not travel unencrypted.
func TestPlainHTTPOnlyForLoopback(t *testing.T) {
	for _, c := range []struct {
		url  string
		opts []Option
		ok   bool
	}{
		{"https://connection.keboola.com", nil, true},
		{"connection.keboola.com", nil, true},
		{"http://connection.keboola.com", nil, false},
		{"http://10.0.0.5:8080", nil, false},
		{"http://connection.keboola.com", []Option{WithPlainHTTP()}, true},
		{"http://127.0.0.1:8080", nil, true},
		{"http://localhost:8080", nil, true},
		{"http://[::1]:8080", nil, true},
	} {
		_, err := New(c.url, "tok", c.opts...)
		if (err == nil) != c.ok {
			t.Errorf("%s (%d options): error %v, want ok %v", c.url, len(c.opts), err, c.ok)
		}
		if err != nil && !strings.Contains(err.Error(), "plain http") {
			t.Errorf("%s: %v", c.url, err)
		}
	}
}

// TestJobImportFileID: the source file of a tableImport job is read whether
// Storage sends its id as a number or a string; other jobs name none.
func TestJobImportFileID(t *testing.T) {
	for _, tc := range []struct {
		doc  string
		want int64
	}{
		{`{"id":1,"operationName":"tableImport","operationParams":{"source":{"type":"file","fileId":1234}}}`, 1234},
		{`{"id":1,"operationName":"tableImport","operationParams":{"source":{"type":"file","fileId":"1234"},"params":{"incremental":true}}}`, 1234},
		{`{"id":1,"operationName":"workspaceLoad","operationParams":{"workspaceId":"78423"}}`, 0},
		{`{"id":1,"operationName":"tableExport","operationParams":[]}`, 0},
		{`{"id":1}`, 0},
	} {
		var j Job
		if err := json.Unmarshal([]byte(tc.doc), &j); err != nil {
			t.Fatalf("%s: %v", tc.doc, err)
		}
		if got := j.ImportFileID(); got != tc.want {
			t.Errorf("%s: ImportFileID = %d, want %d", tc.doc, got, tc.want)
		}
	}
}
