package upload

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"datagen/src/input"
	"datagen/src/keboola/storage"
)

// TestImportIntoExisting covers full and incremental loads into tables that
// already exist: full replaces, incremental upserts by key or appends.
func TestImportIntoExisting(t *testing.T) {
	old := sampleRows(5, 1)  // ids 1..5
	data := sampleRows(4, 4) // ids 4..7
	for i := range data {
		data[i][1] = "changed"
	}
	tests := []struct {
		name        string
		pk          []string
		incremental bool // --incremental
		manifestInc bool // manifest incremental: true
		want        [][]string
	}{
		{"full load replaces", []string{"id"}, false, false, data},
		{"incremental flag upserts by key", []string{"id"}, true, false, append(append([][]string{}, old[:3]...), data...)},
		{"manifest incremental upserts", []string{"id"}, false, true, append(append([][]string{}, old[:3]...), data...)},
		{"incremental without key appends", nil, true, false, append(append([][]string{}, old...), data...)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := newEnv(t, newS3Emu(t))
			env.kbc.addTable("in.c-datagen.orders", sampleHeader, tc.pk, old)
			writeFile(t, filepath.Join(env.dir, "orders.csv"), csvBytes(t, headed(sampleHeader, data)))
			if tc.manifestInc {
				writeManifest(t, filepath.Join(env.dir, "orders.csv.manifest"), map[string]any{"incremental": true})
			}
			sum, err := env.run(func(o *Options) { o.Incremental = tc.incremental })
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			r := result(t, sum, "in.c-datagen.orders")
			if r.Created || r.Rows != 4 || r.Incremental != (tc.incremental || tc.manifestInc) {
				t.Errorf("result %+v", r)
			}
			// The table existed: no create calls.
			if n := env.kbc.count("POST", "/tables-async"); n != 0 {
				t.Errorf("%d create calls for an existing table", n)
			}
			assertRows(t, env.kbc, "in.c-datagen.orders", sampleHeader, tc.want)
		})
	}
}

// TestRetries injects transient failures on each kind of call and checks
// the upload still ends with exactly the right rows.
func TestRetries(t *testing.T) {
	env := newEnv(t, newS3Emu(t))
	rows := sampleRows(50, 1)
	writeFile(t, filepath.Join(env.dir, "orders.csv"), csvBytes(t, headed(sampleHeader, rows)))
	writeFile(t, filepath.Join(env.dir, "ev.csv", "p1"), csvBytes(t, rows))
	writeManifest(t, filepath.Join(env.dir, "ev.csv.manifest"), map[string]any{"columns": sampleHeader, "incremental": true})
	env.kbc.addTable("in.c-datagen.ev", sampleHeader, nil, nil)

	maint := `{"status":"maintenance","reason":"Scheduled upgrade","estimatedEndTime":"2026-11-26T05:00:00+00:00"}`
	env.kbc.inject(fault{method: "GET", path: "/tokens/verify", status: 503, body: maint, header: map[string]string{"Retry-After": "0"}})
	env.kbc.inject(fault{method: "GET", path: "/buckets/in.c-datagen", status: 502, body: "<html>bad gateway</html>"})
	env.kbc.inject(fault{method: "POST", path: "/buckets", status: 500, body: `{"error":"boom","code":"internal"}`, afterEffect: true})
	env.kbc.inject(fault{method: "POST", path: "/files/prepare", status: 500, body: `{"error":"boom"}`, times: 2})
	// The create is processed, then the answer is lost: the retry must not create twice.
	env.kbc.inject(fault{method: "POST", path: "/tables-async", status: 504, body: `{"error":"timeout"}`, afterEffect: true})
	// Incremental import: 429 is safe to retry (not processed).
	env.kbc.inject(fault{method: "POST", path: "/import-async", status: 429, body: `{"error":"Too many requests"}`, header: map[string]string{"Retry-After": "1"}})
	env.kbc.inject(fault{method: "GET", path: "/jobs/", status: 500, body: `{"error":"boom"}`})
	env.kbc.inject(fault{method: "POST", path: "/metadata", status: 503, body: `{"error":"unavailable"}`})
	writeManifest(t, filepath.Join(env.dir, "orders.csv.manifest"), map[string]any{"description": "x"})

	start := time.Now()
	sum, err := env.run(nil)
	if err != nil {
		t.Fatalf("Run: %v\n%s", err, env.logs)
	}
	if time.Since(start) < time.Second {
		t.Errorf("Retry-After: 1 was not honoured")
	}
	assertRows(t, env.kbc, "in.c-datagen.orders", sampleHeader, rows)
	assertRows(t, env.kbc, "in.c-datagen.ev", sampleHeader, rows)
	if n := env.kbc.count("POST", "/tables-async"); n != 1 {
		t.Errorf("tables-async called %d times, want 1 (reconciled after the lost answer)", n)
	}
	if n := env.kbc.count("POST", "/import-async"); n != 2 {
		t.Errorf("import-async called %d times, want 2 (429 then success)", n)
	}
	if sum.Rows != 100 {
		t.Errorf("rows = %d, want 100", sum.Rows)
	}
	if !strings.Contains(env.logs.String(), "Keboola Storage is in maintenance") {
		t.Errorf("maintenance retry not logged")
	}
}

// lostImport sets up an incremental upload of 5 rows into an existing
// table whose import-async answers 500; applied says whether Storage
// carried the import out before the answer was lost.
func lostImport(t *testing.T, applied bool) *testEnv {
	t.Helper()
	env := newEnv(t, newS3Emu(t))
	env.kbc.addTable("in.c-datagen.ev", sampleHeader, nil, nil)
	writeFile(t, filepath.Join(env.dir, "ev.csv"), csvBytes(t, headed(sampleHeader, sampleRows(5, 1))))
	env.kbc.inject(fault{method: "POST", path: "/import-async", status: 500, body: `{"error":"Internal error","exceptionId":"exc-abc"}`, afterEffect: applied})
	return env
}

// TestIncrementalImportNotRetriedAfterServerError: a 500 on an incremental
// import may have been processed, so it is not sent again; a rerun finds
// the applied job among Storage's jobs and loads nothing twice.
func TestIncrementalImportNotRetriedAfterServerError(t *testing.T) {
	env := lostImport(t, true)
	_, err := env.run(func(o *Options) { o.Incremental = true })
	if err == nil {
		t.Fatal("Run succeeded despite the failed import")
	}
	if n := env.kbc.importCalls["in.c-datagen.ev"]; n != 1 {
		t.Errorf("import-async called %d times, want 1", n)
	}
	if !strings.Contains(err.Error(), "exc-abc") {
		t.Errorf("error lacks the exception id: %v", err)
	}
	if input.IsUser(err) {
		t.Errorf("a server error is classified as a user error")
	}
	for _, want := range []string{"it may have been applied, so it is not sent again now", "looked up in Storage's jobs, never sent twice"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
	// The rerun finds the job, waits for it, and does not import again
	// (no 5 → 10 rows).
	sum, err := env.run(func(o *Options) { o.Incremental = true })
	if err != nil {
		t.Fatalf("rerun: %v", err)
	}
	if n := env.kbc.count("POST", "/import-async"); n != 1 {
		t.Errorf("after a rerun import-async sent %d times, want 1", n)
	}
	if n := env.kbc.count("GET", "/v2/storage/jobs"); n == 0 {
		t.Errorf("the rerun did not list Storage's jobs")
	}
	assertRows(t, env.kbc, "in.c-datagen.ev", sampleHeader, sampleRows(5, 1))
	res := result(t, sum, "in.c-datagen.ev")
	if res.Status != StatusUploaded || len(res.JobIDs) != 1 || res.Rows != 5 {
		t.Errorf("rerun result: status %s, jobs %v, rows %d; want uploaded, the found job, 5 rows", res.Status, res.JobIDs, res.Rows)
	}
	if !strings.Contains(env.logs.String(), "found the import job of an earlier run") {
		t.Errorf("the found job is not logged")
	}
}

// TestLostImportNeverCreatedIsSentAgain: when Storage has no job for the
// import whose answer was lost, a rerun sends it once.
func TestLostImportNeverCreatedIsSentAgain(t *testing.T) {
	env := lostImport(t, false)
	if _, err := env.run(func(o *Options) { o.Incremental = true }); err == nil {
		t.Fatal("Run succeeded despite the failed import")
	}
	if n := env.kbc.importCalls["in.c-datagen.ev"]; n != 0 {
		t.Fatalf("the fault was applied %d times", n)
	}
	if _, err := env.run(func(o *Options) { o.Incremental = true }); err != nil {
		t.Fatalf("rerun: %v", err)
	}
	if n := env.kbc.importCalls["in.c-datagen.ev"]; n != 1 {
		t.Errorf("imports applied: %d, want 1", n)
	}
	assertRows(t, env.kbc, "in.c-datagen.ev", sampleHeader, sampleRows(5, 1))
	if !strings.Contains(env.logs.String(), "never applied; uploading again") {
		t.Errorf("the resubmission is not logged")
	}
}

// TestLostImportFoundFailed: a found job that failed fails the table with
// Keboola's message; nothing is sent until the next rerun.
func TestLostImportFoundFailed(t *testing.T) {
	env := lostImport(t, true)
	env.kbc.failImport["in.c-datagen.ev"] = "Load error: value too long"
	if _, err := env.run(func(o *Options) { o.Incremental = true }); err == nil {
		t.Fatal("Run succeeded despite the failed import")
	}
	_, err := env.run(func(o *Options) { o.Incremental = true })
	if err == nil || !strings.Contains(err.Error(), "Load error: value too long") {
		t.Errorf("rerun error lacks the job's message: %v", err)
	}
	if n := env.kbc.count("POST", "/import-async"); n != 1 {
		t.Errorf("import-async sent %d times, want 1", n)
	}
	assertRows(t, env.kbc, "in.c-datagen.ev", sampleHeader, nil)
}

// TestLostImportLookupFails: when the jobs cannot be listed, a rerun still
// refuses to send the import again and says what to do.
func TestLostImportLookupFails(t *testing.T) {
	env := lostImport(t, true)
	if _, err := env.run(func(o *Options) { o.Incremental = true }); err == nil {
		t.Fatal("Run succeeded despite the failed import")
	}
	env.kbc.inject(fault{method: "GET", path: "/v2/storage/jobs", status: 403, body: `{"error":"You don't have access to the resource.","code":"accessDenied"}`})
	_, err := env.run(func(o *Options) { o.Incremental = true })
	for _, want := range []string{"an earlier run sent an incremental import that Storage did not answer, and its job could not be looked up", "listing storage jobs", "--restart"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("rerun error lacks %q: %v", want, err)
		}
	}
	if n := env.kbc.count("POST", "/import-async"); n != 1 {
		t.Errorf("import-async sent %d times, want 1", n)
	}
	assertRows(t, env.kbc, "in.c-datagen.ev", sampleHeader, sampleRows(5, 1))
}

// TestJobFailure: a failing import job is reported with Keboola's message
// and exception id; the existing table keeps its rows; other tables load.
func TestJobFailure(t *testing.T) {
	env := newEnv(t, newS3Emu(t))
	old := sampleRows(3, 1)
	env.kbc.addTable("in.c-datagen.bad", sampleHeader, nil, old)
	env.kbc.failImport["in.c-datagen.bad"] = "Load error: value too long for column note"
	writeFile(t, filepath.Join(env.dir, "bad.csv"), csvBytes(t, headed(sampleHeader, sampleRows(10, 100))))
	good := sampleRows(7, 1)
	writeFile(t, filepath.Join(env.dir, "good.csv"), csvBytes(t, headed(sampleHeader, good)))

	sum, err := env.run(nil)
	var te *TablesError
	if !errors.As(err, &te) {
		t.Fatalf("error %v (%T), want *TablesError", err, err)
	}
	msg := err.Error()
	for _, want := range []string{"1 of 2 tables failed", "in.c-datagen.bad", "value too long for column note", "exception id exc-job-", "succeeded: in.c-datagen.good", "rerun"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
	if !input.IsUser(err) {
		t.Errorf("a rejected import is not classified as a user error")
	}
	if fmt.Sprint(sum.Succeeded()) != "[in.c-datagen.good]" || len(sum.Failed()) != 1 {
		t.Errorf("succeeded %v failed %v", sum.Succeeded(), sum.Failed())
	}
	assertRows(t, env.kbc, "in.c-datagen.bad", sampleHeader, old)
	assertRows(t, env.kbc, "in.c-datagen.good", sampleHeader, good)
}

// TestChangedColumns: a table whose columns or key changed is refused
// before any byte is uploaded, with what differs and how to fix it.
func TestChangedColumns(t *testing.T) {
	env := newEnv(t, newS3Emu(t))
	env.kbc.addTable("in.c-datagen.orders", []string{"id", "customer", "legacy", "Note"}, []string{"id"}, nil)
	env.kbc.addTable("in.c-datagen.keys", sampleHeader, []string{"id"}, nil)
	writeFile(t, filepath.Join(env.dir, "orders.csv"), csvBytes(t, headed(sampleHeader, sampleRows(3, 1))))
	writeFile(t, filepath.Join(env.dir, "keys.csv"), csvBytes(t, headed(sampleHeader, sampleRows(3, 1))))
	writeManifest(t, filepath.Join(env.dir, "keys.csv.manifest"), map[string]any{"primary_key": []string{"id", "customer"}})

	sum, err := env.run(nil)
	if err == nil || sum != nil {
		t.Fatalf("Run = %v, %v; want an error and no summary", sum, err)
	}
	msg := err.Error()
	for _, want := range []string{
		"table in.c-datagen.orders already exists with columns [id, customer, legacy, Note]",
		"lacks [legacy, Note]", "has new columns [note, amount]", `"note" differs from "Note" only in letter case`,
		"--table-prefix", "table in.c-datagen.keys has primary key [id] but keys.csv declares [id, customer]",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
	if !input.IsUser(err) {
		t.Errorf("column change is not a user error")
	}
	if n := env.kbc.count("POST", "/files/prepare"); n != 0 {
		t.Errorf("%d files prepared before the column check failed", n)
	}
}

// TestTokenAndURLErrors: wrong token, wrong URL, read-only token, missing
// permissions give clear user errors and never show the token.
func TestTokenAndURLErrors(t *testing.T) {
	tests := []struct {
		name  string
		setup func(env *testEnv, o *Options)
		want  []string
	}{
		{"bad token", func(env *testEnv, o *Options) { o.Token = "wrong-token-value-123456" },
			[]string{"token was rejected", "Invalid access token", "exc-401"}},
		{"not a storage API", func(env *testEnv, o *Options) {
			o.URL = newHTMLServer(env.t).URL
		}, []string{"is this a Keboola Storage API URL?"}},
		{"unreachable host", func(env *testEnv, o *Options) { o.URL = "http://127.0.0.1:1" },
			[]string{"cannot use Keboola Storage API at http://127.0.0.1:1: cannot connect"}},
		{"bad URL", func(env *testEnv, o *Options) { o.URL = "ftp://connection.keboola.com" },
			[]string{"scheme must be https"}},
		{"read-only user", func(env *testEnv, o *Options) {
			env.kbc.admin = map[string]any{"id": 1, "name": "ro", "role": "readOnly"}
		},
			[]string{"read-only user"}},
		{"cannot create bucket", func(env *testEnv, o *Options) { env.kbc.canManageBuckets = false },
			[]string{"bucket in.c-datagen does not exist and the token (id 4242) cannot create buckets"}},
		{"read permission only", func(env *testEnv, o *Options) {
			env.kbc.canManageBuckets = false
			env.kbc.bucketPerms = map[string]string{"in.c-datagen": "read"}
			env.kbc.buckets["in.c-datagen"] = true
		}, []string{"bucket in.c-datagen: the token (id 4242) has read permission to it; it needs write or manage"}},
		{"bad bucket id", func(env *testEnv, o *Options) { o.Bucket = "datagen" },
			[]string{`bucket id "datagen": want <stage>.<name>`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := newEnv(t, newS3Emu(t))
			writeFile(t, filepath.Join(env.dir, "orders.csv"), csvBytes(t, headed(sampleHeader, sampleRows(3, 1))))
			_, err := env.run(func(o *Options) { tc.setup(env, o) })
			if err == nil {
				t.Fatal("Run succeeded")
			}
			if !input.IsUser(err) {
				t.Errorf("not a user error: %v", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q: %v", w, err)
				}
			}
			if strings.Contains(err.Error(), "wrong-token-value-123456") || strings.Contains(env.logs.String(), "wrong-token-value-123456") {
				t.Errorf("the bad token leaked")
			}
			if n := env.kbc.count("POST", "/files/prepare"); n != 0 {
				t.Errorf("%d files prepared despite the failure", n)
			}
		})
	}
}

// TestTokenMaskedInServerMessages: even when the server echoes the token,
// errors and logs show [hidden].
func TestTokenMaskedInServerMessages(t *testing.T) {
	env := newEnv(t, newS3Emu(t))
	writeFile(t, filepath.Join(env.dir, "orders.csv"), csvBytes(t, headed(sampleHeader, sampleRows(3, 1))))
	env.kbc.inject(fault{method: "POST", path: "/files/prepare", status: 400, body: `{"error":"token ` + testToken + ` is not allowed here","code":"x"}`})
	_, err := env.run(nil)
	if err == nil || !strings.Contains(err.Error(), "token [hidden] is not allowed") {
		t.Fatalf("error = %v, want the masked server message", err)
	}
	data, _ := os.ReadFile(env.state)
	if strings.Contains(string(data), testToken) {
		t.Errorf("the state file holds the token")
	}
}

// TestResumeAfterPartialFailure: a rerun skips finished tables and loads
// only the failed one, so incremental data is never duplicated.
func TestResumeAfterPartialFailure(t *testing.T) {
	env := newEnv(t, newS3Emu(t))
	a, b, c := sampleRows(5, 1), sampleRows(6, 10), sampleRows(7, 20)
	for name, rows := range map[string][][]string{"a": a, "b": b, "c": c} {
		env.kbc.addTable("in.c-datagen."+name, sampleHeader, nil, nil)
		writeFile(t, filepath.Join(env.dir, name+".csv"), csvBytes(t, headed(sampleHeader, rows)))
	}
	env.kbc.failImport["in.c-datagen.b"] = "Transient load failure"
	inc := func(o *Options) { o.Incremental = true }

	sum, err := env.run(inc)
	if err == nil || fmt.Sprint(sum.Succeeded()) != "[in.c-datagen.a in.c-datagen.c]" {
		t.Fatalf("first run: err=%v succeeded=%v", err, sum.Succeeded())
	}
	if _, err := os.Stat(env.state); err != nil {
		t.Fatalf("no state file after a partial failure: %v", err)
	}
	delete(env.kbc.failImport, "in.c-datagen.b")
	sum, err = env.run(inc)
	if err != nil {
		t.Fatalf("second run: %v", err)
	}
	for id, want := range map[string]TableStatus{"in.c-datagen.a": StatusSkipped, "in.c-datagen.b": StatusUploaded, "in.c-datagen.c": StatusSkipped} {
		if got := result(t, sum, id).Status; got != want {
			t.Errorf("%s: %s, want %s", id, got, want)
		}
	}
	assertRows(t, env.kbc, "in.c-datagen.a", sampleHeader, a)
	assertRows(t, env.kbc, "in.c-datagen.b", sampleHeader, b)
	assertRows(t, env.kbc, "in.c-datagen.c", sampleHeader, c)
	if n := env.kbc.importCalls["in.c-datagen.a"]; n != 1 {
		t.Errorf("table a imported %d times, want 1", n)
	}
	if _, err := os.Stat(env.state); !os.IsNotExist(err) {
		t.Errorf("state file still present after a complete run (err=%v)", err)
	}
	// A later run of the same command is a new upload.
	if _, err := env.run(inc); err != nil {
		t.Fatal(err)
	}
	if got := len(env.kbc.table("in.c-datagen.a").Rows); got != 10 {
		t.Errorf("after a new incremental run table a has %d rows, want 10", got)
	}
}

// TestResumePendingJob: when the run dies while waiting for an import job,
// the rerun waits for that job instead of importing again.
func TestResumePendingJob(t *testing.T) {
	env := newEnv(t, newS3Emu(t))
	rows := sampleRows(8, 1)
	env.kbc.addTable("in.c-datagen.ev", sampleHeader, nil, nil)
	writeFile(t, filepath.Join(env.dir, "ev.csv"), csvBytes(t, headed(sampleHeader, rows)))
	env.kbc.jobPolls = 1000 // the job keeps "processing" while the first run waits
	ctx, cancel := context.WithCancel(context.Background())
	env.kbc.onJobPoll = func(int64) { cancel() }

	opts := env.options()
	opts.Incremental = true
	_, err := Run(ctx, opts)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("first run: %v, want canceled", err)
	}
	env.kbc.mu.Lock()
	env.kbc.onJobPoll = nil
	for _, j := range env.kbc.jobs {
		j.pollsLeft = 2
	}
	env.kbc.mu.Unlock()

	sum, err := env.run(func(o *Options) { o.Incremental = true })
	if err != nil {
		t.Fatalf("second run: %v", err)
	}
	if n := env.kbc.importCalls["in.c-datagen.ev"]; n != 1 {
		t.Errorf("import-async called %d times, want 1", n)
	}
	assertRows(t, env.kbc, "in.c-datagen.ev", sampleHeader, rows)
	if r := result(t, sum, "in.c-datagen.ev"); r.Rows != 8 || r.Status != StatusUploaded {
		t.Errorf("result %+v", r)
	}
}

// TestS3Multipart sends an object larger than one part.
func TestS3Multipart(t *testing.T) {
	emu := newS3Emu(t)
	env := newEnv(t, emu)
	// Random hex compresses about 2:1, so ~12 MB gives > 5 MiB of gzip.
	rows := make([][]string, 6000)
	for i := range rows {
		rows[i] = []string{fmt.Sprint(i), randHex(1000)}
	}
	writeFile(t, filepath.Join(env.dir, "big.csv"), csvBytes(t, headed([]string{"id", "blob"}, rows)))
	sum, err := env.run(func(o *Options) { o.PartSize = 5 << 20; o.SliceBytes = -1; o.CompressionLevel = 1 })
	if err != nil {
		t.Fatal(err)
	}
	if sum.SentBytes <= 5<<20 {
		t.Fatalf("sent %d bytes, not more than one part", sum.SentBytes)
	}
	if emu.auth.multipart == 0 {
		t.Errorf("no multipart requests")
	}
	assertRows(t, env.kbc, "in.c-datagen.big", []string{"id", "blob"}, rows)
}

// TestGCSTokenRefresh: a GCS token close to expiry is renewed through
// files/{id}/refresh before use.
func TestGCSTokenRefresh(t *testing.T) {
	emu := newGCSEmu(t)
	emu.expiresIn = 60
	env := newEnv(t, emu)
	rows := sampleRows(20, 1)
	writeFile(t, filepath.Join(env.dir, "orders.csv"), csvBytes(t, headed(sampleHeader, rows)))
	if _, err := env.run(nil); err != nil {
		t.Fatal(err)
	}
	if env.kbc.refreshes == 0 {
		t.Errorf("the short-lived token was not refreshed")
	}
	assertRows(t, env.kbc, "in.c-datagen.orders", sampleHeader, rows)
}

// TestBucketCreation: the c- prefix is stripped unless the project disables it.
func TestBucketCreation(t *testing.T) {
	for _, disable := range []bool{false, true} {
		t.Run(fmt.Sprint("disable-legacy-prefix=", disable), func(t *testing.T) {
			env := newEnv(t, newS3Emu(t))
			if disable {
				env.kbc.features = []string{storage.FeatureDisableLegacyBucketPrefix}
			}
			writeFile(t, filepath.Join(env.dir, "orders.csv"), csvBytes(t, headed(sampleHeader, sampleRows(3, 1))))
			if _, err := env.run(func(o *Options) { o.Bucket = "out.c-demo" }); err != nil {
				t.Fatal(err)
			}
			if env.kbc.table("out.c-demo.orders") == nil {
				t.Errorf("table not created in out.c-demo")
			}
		})
	}
}
