package outdir

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http/httptest"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/container"
	"github.com/fsouza/fake-gcs-server/fakestorage"

	"datagen/src/objstore"
)

// remoteStores returns a store on each object storage emulator that runs
// here: S3 (gofakes3) and GCS (fake-gcs-server) in process, Azure Blob
// Storage in Azurite when it is reachable (see .ci/emulators.sh).
func remoteStores(t *testing.T) map[string]objstore.Store {
	t.Helper()
	out := map[string]objstore.Store{"s3": s3Store(t)}
	gcs, err := fakestorage.NewServerWithOptions(fakestorage.Options{NoListener: true, Writer: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	gcs.CreateBucketWithOpts(fakestorage.CreateBucketOpts{Name: "b"})
	gsrv := httptest.NewServer(gcs.HTTPHandler())
	t.Cleanup(gsrv.Close)
	gs, err := objstore.Open(context.Background(), objstore.Location{Scheme: "gs", Bucket: "b"},
		func(k string) string { return map[string]string{"STORAGE_EMULATOR_HOST": gsrv.URL}[k] })
	if err != nil {
		t.Fatal(err)
	}
	out["gs"] = gs
	endpoint := os.Getenv("DATAGEN_AZURITE_BLOB")
	if endpoint == "" {
		endpoint = "http://127.0.0.1:10000/devstoreaccount1"
	}
	host, _, _ := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(endpoint, "http://"), "https://"), "/")
	probe, err := net.DialTimeout("tcp", host, 500*time.Millisecond)
	if err != nil {
		if os.Getenv("DATAGEN_REQUIRE_EMULATORS") == "1" {
			t.Fatalf("Azurite is not running at %s; start it with .ci/emulators.sh start", host)
		}
		t.Logf("Azurite is not running at %s: Azure Blob Storage not tested", host)
		return out
	}
	probe.Close()
	// A container name: lowercase letters and digits in groups joined by
	// single hyphens, 3 to 63 characters.
	words := strings.FieldsFunc(strings.ToLower(t.Name()), func(r rune) bool {
		return (r < 'a' || r > 'z') && (r < '0' || r > '9')
	})
	name := strings.Join(append([]string{"outdir"}, words...), "-")
	name = strings.TrimRight(name[:min(len(name), 40)], "-") + "-" + hash(t.Name() + time.Now().String())[:8]
	conn := "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
		"AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=" + endpoint + ";"
	az, err := objstore.Open(context.Background(), objstore.Location{Scheme: "az", Bucket: name}, func(k string) string {
		if k == "AZURE_STORAGE_CONNECTION_STRING" {
			return conn
		}
		return ""
	})
	if err != nil {
		t.Fatal(err)
	}
	cc, err := container.NewClientFromConnectionString(conn, name, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := cc.Create(ctx, nil); err != nil {
		t.Fatalf("creating the Azurite container: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, _ = cc.Delete(ctx, nil)
	})
	out["az"] = az
	return out
}

// stagePart begins a remote transaction for part k of 2 and stages the
// files of tables a and b (content+id) and a manifest that lists them.
func stagePart(t *testing.T, s objstore.Store, k int, content string, step func(string) error) *Tx {
	t.Helper()
	p := Part{K: k, N: 2}
	tx, err := BeginRemote(context.Background(), s, "run/", Options{Step: step, Scratch: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	m := Metadata{SchemaHash: "h", Seed: 1, FormatVersion: 1, Format: CSV, Parts: 2, Part: &k, Tables: map[string]TableMetadata{}}
	for i, rel := range stageTables(t, tx, p, content) {
		id := stagedTables[i]
		m.Tables[id] = TableMetadata{Kind: "entity", Rows: 2, Written: 1}
		m.Files = append(m.Files, FileInfo{Path: rel, Table: id, Format: CSV, Part: k, Rows: 1,
			Bytes: int64(len(content + id)), SHA256: hash(content + id)})
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.WriteFile(MetadataFile(p), b); err != nil {
		t.Fatal(err)
	}
	return tx
}

// crashAt commits tx in a goroutine that dies (runtime.Goexit, as the
// process would be killed: no rollback runs) when the commit is about to
// publish entry at; it returns once that goroutine is gone.
func crashAt(tx *Tx, at string) {
	done := make(chan struct{})
	tx.opts.Step = func(entry string) error {
		if entry == at {
			runtime.Goexit()
		}
		return nil
	}
	go func() {
		defer close(done)
		_ = tx.Commit(context.Background())
	}()
	<-done
}

// objects reads every object under run/ of s: key → content.
func objects(t *testing.T, s objstore.Store) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, k := range keys(t, s) {
		r, err := s.Open(context.Background(), k)
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[k] = string(b)
	}
	return out
}

// TestRemoteCommitKilled: a process killed between the objects of a
// part's commit leaves a journal, and the part without its manifest; the
// next run of the part, or finalize, rolls the commit back (the part is
// absent, finalize names it) or, when only the journal's removal was
// left, forward.
func TestRemoteCommitKilled(t *testing.T) {
	const journal = "run/.datagen-journal.part-00001-of-00002.json"
	part0 := []string{"run/.metadata.part-00000-of-00002.json", "run/a/part-00000-of-00002.csv", "run/b/part-00000-of-00002.csv"}
	part1 := []string{"run/.metadata.part-00001-of-00002.json", "run/a/part-00001-of-00002.csv", "run/b/part-00001-of-00002.csv"}
	cases := []struct {
		at string // the entry the process dies before
		// what the store holds of part 1 after the crash: key → content
		// ("" absent)
		left      map[string]string
		forward   bool
		untouched bool
	}{
		// Killed before its first object: nothing changed, no journal.
		{at: "a/part-00001-of-00002.csv", left: map[string]string{part1[1]: "xa", part1[2]: "xb"}, untouched: true},
		{at: "b/part-00001-of-00002.csv", left: map[string]string{part1[0]: "", part1[1]: "ya", part1[2]: "xb"}},
		{at: ".metadata.part-00001-of-00002.json", left: map[string]string{part1[0]: "", part1[1]: "ya", part1[2]: "yb"}},
		{at: "", left: map[string]string{part1[1]: "ya", part1[2]: "yb"}, forward: true},
	}
	for name, s := range remoteStores(t) {
		for _, c := range cases {
			for _, recovery := range []string{"finalize", "rerun"} {
				t.Run(name+"/before "+c.at+"/"+recovery, func(t *testing.T) {
					for _, k := range keys(t, s) {
						if err := s.Delete(context.Background(), k); err != nil {
							t.Fatal(err)
						}
					}
					// An earlier complete run of both parts, then part 1
					// again, killed.
					for k := range 2 {
						if err := stagePart(t, s, k, "x", nil).Commit(context.Background()); err != nil {
							t.Fatal(err)
						}
					}
					crashAt(stagePart(t, s, 1, "y", nil), c.at)
					got := objects(t, s)
					if _, ok := got[journal]; ok == c.untouched {
						t.Fatalf("journal after the crash %v: %v", ok, keys(t, s))
					}
					for k, want := range c.left {
						if v, ok := got[k]; want == "" && ok || want != "" && v != want {
							t.Errorf("after the crash %s = %q (present %v), want %q", k, v, ok, want)
						}
					}
					folder := RemoteFolder{Store: s, Prefix: "run/"}
					switch recovery {
					case "finalize":
						// A young journal may be a commit in progress:
						// finalize leaves it alone.
						if _, err := Finalize(context.Background(), folder, FinalizeOptions{}); !c.forward && !c.untouched &&
							(err == nil || !strings.Contains(err.Error(), "may still be running")) {
							t.Errorf("finalize with a young journal: %v", err)
						}
						if !c.forward && !c.untouched && !slices.Contains(keys(t, s), journal) {
							t.Errorf("finalize removed a young journal")
						}
						_, err := Finalize(context.Background(), folder, FinalizeOptions{Now: time.Now().Add(time.Hour)})
						if c.forward || c.untouched {
							if err != nil {
								t.Fatalf("finalize after a finished commit: %v", err)
							}
							want := append(append([]string{"run/" + MetadataFile(Part{})}, part0...), part1...)
							slices.Sort(want)
							// A file of one chunk leaves no GCS component;
							// old ones finalize deletes.
							if got := keys(t, s); !slices.Equal(got, want) {
								t.Errorf("after finalize: %v, want %v", got, want)
							}
							return
						}
						for _, w := range []string{"part 1's commit", "was interrupted (.datagen-journal.part-00001-of-00002.json): rolled back",
							"1 of 2 parts are missing: part 1 (.metadata.part-00001-of-00002.json)"} {
							if err == nil || !strings.Contains(err.Error(), w) {
								t.Errorf("finalize: %v\nwant %q", err, w)
							}
						}
						if got := keys(t, s); !slices.Equal(got, part0) {
							t.Errorf("after finalize: %v, want part 0 only %v", got, part0)
						}
					case "rerun":
						if err := stagePart(t, s, 1, "z", nil).Commit(context.Background()); err != nil {
							t.Fatal(err)
						}
						got := objects(t, s)
						want := append(slices.Clone(part0), part1...)
						slices.Sort(want)
						if ks := keys(t, s); !slices.Equal(ks, want) {
							t.Errorf("after the rerun: %v, want %v", ks, want)
						}
						if got[part1[1]] != "za" || got[part1[2]] != "zb" {
							t.Errorf("after the rerun: %q %q", got[part1[1]], got[part1[2]])
						}
						if _, err := Finalize(context.Background(), folder, FinalizeOptions{}); err != nil {
							t.Errorf("finalize after the rerun: %v", err)
						}
						if got := objects(t, s)["run/"+MetadataFile(Part{})]; !strings.Contains(got, `"path": "b/part-00001-of-00002.csv"`) {
							t.Errorf("finalized metadata: %s", got)
						}
					}
				})
			}
		}
	}
}

// TestRecoverRemote: the journal of a window folder's commit that a
// killed process left is found at any depth under the prefix: left alone
// while young, rolled back when old; a whole window stays.
func TestRecoverRemote(t *testing.T) {
	for name, s := range remoteStores(t) {
		t.Run(name, func(t *testing.T) {
			window := func(w string, crash bool) {
				tx, err := BeginRemote(context.Background(), s, "stream/"+w+"/", Options{Scratch: t.TempDir()})
				if err != nil {
					t.Fatal(err)
				}
				f, err := tx.Create("orders.csv")
				if err != nil {
					t.Fatal(err)
				}
				if _, err := io.WriteString(f, "id\n1\n"); err != nil {
					t.Fatal(err)
				}
				if err := f.Close(); err != nil {
					t.Fatal(err)
				}
				if err := tx.WriteFile(MetadataFile(Part{}), []byte(`{}`)); err != nil {
					t.Fatal(err)
				}
				if crash {
					crashAt(tx, MetadataFile(Part{}))
				} else if err := tx.Commit(context.Background()); err != nil {
					t.Fatal(err)
				}
			}
			window("w0", false)
			window("w1", true)
			whole := []string{"stream/w0/.metadata.json", "stream/w0/orders.csv"}
			half := append(slices.Clone(whole), "stream/w1/.datagen-journal.json", "stream/w1/orders.csv")
			if got := keys(t, s); !slices.Equal(got, half) {
				t.Fatalf("after the crash: %v, want %v", got, half)
			}
			recs, _, err := RecoverRemote(context.Background(), s, "stream/", time.Now(), JournalGrace)
			if err != nil || len(recs) != 1 || !recs[0].Young || !strings.Contains(recs[0].String(), "w1/.datagen-journal.json): it may still be running") {
				t.Fatalf("young: %+v %v", recs, err)
			}
			if got := keys(t, s); !slices.Equal(got, half) {
				t.Errorf("a young journal was recovered: %v", got)
			}
			recs, _, err = RecoverRemote(context.Background(), s, "stream/", time.Now().Add(time.Hour), JournalGrace)
			if err != nil || len(recs) != 1 || recs[0].Young || recs[0].Forward ||
				!strings.Contains(recs[0].String(), "was interrupted (w1/.datagen-journal.json): rolled back, 2 object(s) removed") {
				t.Fatalf("old: %+v %v", recs, err)
			}
			if got := keys(t, s); !slices.Equal(got, whole) {
				t.Errorf("after the recovery: %v, want %v", got, whole)
			}
		})
	}
}

// TestSweepComponents: the components of an upload are deleted once its
// newest component is old enough and no young journal names its object;
// an upload of unknown age only with grace 0.
func TestSweepComponents(t *testing.T) {
	now := time.Date(2026, 1, 2, 12, 0, 0, 0, time.UTC)
	old, fresh := now.Add(-time.Hour), now.Add(-time.Minute)
	comp := func(obj, nonce string, n int) string {
		return objstore.ComponentPrefix(obj) + nonce + "-" + fmt.Sprintf("%06d", n)
	}
	entries := []Entry{
		{Path: "a/part-00001-of-00002.csv"},                                 // not a component
		{Path: comp("a/part-00001-of-00002.csv", "dead", 1), Modified: old}, // dead upload
		{Path: comp("a/part-00001-of-00002.csv", "dead", 2), Modified: old},
		{Path: comp("a/part-00001-of-00002.csv", "live", 1), Modified: old}, // newest is fresh
		{Path: comp("a/part-00001-of-00002.csv", "live", 2), Modified: fresh},
		{Path: comp("b/part-00001-of-00002.csv", "named", 1), Modified: old}, // a young journal names b
		{Path: comp("w/c.csv", "unknown", 1)},                                // no time
	}
	young := []Recovery{{Journal: ".datagen-journal.part-00001-of-00002.json", Young: true, objects: []string{"b/part-00001-of-00002.csv"}}}
	for _, c := range []struct {
		grace time.Duration
		young []Recovery
		want  []string // removed
	}{
		{JournalGrace, young, []string{entries[1].Path, entries[2].Path}},
		{JournalGrace, nil, []string{entries[1].Path, entries[2].Path, entries[5].Path}},
		{0, young, []string{entries[1].Path, entries[2].Path, entries[3].Path, entries[4].Path, entries[6].Path}},
	} {
		f := &recordFolder{}
		n, err := sweepComponents(context.Background(), f, entries, c.young, now, c.grace)
		if err != nil || n != len(c.want) || !slices.Equal(f.removed, c.want) {
			t.Errorf("grace %s, %d young: removed %d %v (%v), want %v", c.grace, len(c.young), n, f.removed, err, c.want)
		}
	}
}

// recordFolder is a Folder that records what is removed from it.
type recordFolder struct {
	LocalFolder
	removed []string
}

func (f *recordFolder) Remove(_ context.Context, rel string) error {
	f.removed = append(f.removed, rel)
	return nil
}

// TestComponentsOfKilledProcess: a process killed before its commit
// leaves the components of its GCS uploads under their hidden names;
// finalize (once they are old enough) and the recovery of a follow
// prefix delete them.
func TestComponentsOfKilledProcess(t *testing.T) {
	s := remoteStores(t)["gs"]
	leave := func(prefix string) []string {
		// What a killed upload of a file of two chunks leaves.
		var out []string
		for n := 1; n <= 2; n++ {
			k := objstore.ComponentPrefix(prefix+"a/part-00001-of-00002.csv") + "k1lled-" + fmt.Sprintf("%06d", n)
			if err := s.Put(context.Background(), k, strings.NewReader("x")); err != nil {
				t.Fatal(err)
			}
			out = append(out, k)
		}
		return out
	}
	for k := range 2 {
		if err := stagePart(t, s, k, "x", nil).Commit(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	comps := leave("run/")
	folder := RemoteFolder{Store: s, Prefix: "run/"}
	if _, err := Finalize(context.Background(), folder, FinalizeOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, c := range comps {
		if !slices.Contains(keys(t, s), c) {
			t.Errorf("finalize removed a young component %s", c)
		}
	}
	if _, err := Finalize(context.Background(), folder, FinalizeOptions{Now: time.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	for _, k := range keys(t, s) {
		if objstore.IsComponent(k) {
			t.Errorf("after finalize, component %s is left", k)
		}
	}
	comps = leave("stream/w1/")
	if _, n, err := RecoverRemote(context.Background(), s, "stream/", time.Now(), 0); err != nil || n != len(comps) {
		t.Errorf("RecoverRemote removed %d components (%v), want %d", n, err, len(comps))
	}
	for _, k := range keys(t, s) {
		if objstore.IsComponent(k) {
			t.Errorf("after RecoverRemote, component %s is left", k)
		}
	}
}

// TestRemoteJournalOwnership: a commit whose journal another run of the
// same part recovered (it is gone) or replaced (another nonce) before the
// commit's last object fails, deletes what it published and leaves the
// other run's journal alone.
func TestRemoteJournalOwnership(t *testing.T) {
	const journal = ".datagen-journal.part-00001-of-00002.json"
	for _, c := range []struct {
		name, err string
		meddle    func(s objstore.Store) error
		left      bool // the other run's journal is there after
	}{
		{"gone", "is gone: another run of the same output committed meanwhile", func(s objstore.Store) error {
			return s.Delete(context.Background(), "run/"+journal)
		}, false},
		{"replaced", "is another run's", func(s objstore.Store) error {
			return s.Put(context.Background(), "run/"+journal, strings.NewReader(`{"started":"2026-01-01T00:00:00Z","nonce":"other","objects":[]}`))
		}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := s3Store(t)
			tx := stagePart(t, s, 1, "y", func(entry string) error {
				if entry == MetadataFile(Part{K: 1, N: 2}) {
					return c.meddle(s)
				}
				return nil
			})
			err := tx.Commit(context.Background())
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Fatalf("commit: %v, want %q", err, c.err)
			}
			var want []string
			if c.left {
				want = []string{"run/" + journal}
			}
			if got := keys(t, s); !slices.Equal(got, want) {
				t.Errorf("after the commit: %v, want %v", got, want)
			}
		})
	}
}

// TestJournalAgeFromStore: a journal's age runs from when the store wrote
// it, not from the start time it records (the writer's clock may be off):
// a journal just written that says it began long ago is left alone.
func TestJournalAgeFromStore(t *testing.T) {
	const journal = "run/.datagen-journal.part-00001-of-00002.json"
	s := s3Store(t)
	crashAt(stagePart(t, s, 1, "y", nil), MetadataFile(Part{K: 1, N: 2}))
	var j map[string]any
	if err := json.Unmarshal([]byte(objects(t, s)[journal]), &j); err != nil {
		t.Fatal(err)
	}
	j["started"] = "2000-01-01T00:00:00Z"
	b, _ := json.Marshal(j)
	if err := s.Put(context.Background(), journal, strings.NewReader(string(b))); err != nil {
		t.Fatal(err)
	}
	_, err := Finalize(context.Background(), RemoteFolder{Store: s, Prefix: "run/"}, FinalizeOptions{})
	if err == nil || !strings.Contains(err.Error(), "began at 2000-01-01T00:00:00Z and has not finished") {
		t.Errorf("finalize: %v", err)
	}
	if !slices.Contains(keys(t, s), journal) {
		t.Errorf("finalize recovered a journal the store wrote just now")
	}
}

// TestRecoverRemoteWindowsOnly: the recovery of a follow prefix takes only
// the journals of window folders one level down; a journal of the prefix
// itself, a part's, or one deeper is not a window's and stays, with the
// objects it names.
func TestRecoverRemoteWindowsOnly(t *testing.T) {
	s := s3Store(t)
	put := func(key, body string) {
		if err := s.Put(context.Background(), key, strings.NewReader(body)); err != nil {
			t.Fatal(err)
		}
	}
	journal := `{"started":"2000-01-01T00:00:00Z","objects":[{"path":"x.csv"}],"last":".metadata.json","last_sha256":"0"}`
	var stay []string
	for _, dir := range []string{"stream/", "stream/w/sub/", "stream/v/"} {
		name := ".datagen-journal.json"
		if dir == "stream/v/" {
			name = ".datagen-journal.part-00000-of-00002.json"
		}
		put(dir+name, journal)
		put(dir+"x.csv", "1")
		stay = append(stay, dir+name, dir+"x.csv")
	}
	put("stream/w/.datagen-journal.json", journal)
	put("stream/w/x.csv", "1")
	recs, _, err := RecoverRemote(context.Background(), s, "stream/", time.Now(), 0)
	if err != nil || len(recs) != 1 || recs[0].Journal != "w/.datagen-journal.json" {
		t.Fatalf("recovered %+v (%v), want the window w's journal only", recs, err)
	}
	slices.Sort(stay)
	if got := keys(t, s); !slices.Equal(got, stay) {
		t.Errorf("after the recovery: %v, want %v", got, stay)
	}
}

// TestFinalizeOtherSplitJournal: an old journal of a part of a run split
// into another number of parts is rolled back and told to Log, not a
// problem: the complete run of two parts finalizes.
func TestFinalizeOtherSplitJournal(t *testing.T) {
	s := s3Store(t)
	for k := range 2 {
		if err := stagePart(t, s, k, "x", nil).Commit(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	for key, body := range map[string]string{
		"run/a/part-00001-of-00003.csv": "old",
		"run/.datagen-journal.part-00001-of-00003.json": `{"started":"2026-01-01T00:00:00Z","objects":[{"path":"a/part-00001-of-00003.csv"},` +
			`{"path":".metadata.part-00001-of-00003.json"}],"last":".metadata.part-00001-of-00003.json","last_sha256":"0",` +
			`"manifests":[".metadata.part-00001-of-00003.json"]}`,
	} {
		if err := s.Put(context.Background(), key, strings.NewReader(body)); err != nil {
			t.Fatal(err)
		}
	}
	var logged []string
	m, err := Finalize(context.Background(), RemoteFolder{Store: s, Prefix: "run/"},
		FinalizeOptions{Now: time.Now().Add(time.Hour), Log: func(l string) { logged = append(logged, l) }})
	if err != nil || m.Parts != 2 {
		t.Fatalf("finalize: %v", err)
	}
	if len(logged) != 1 || !strings.Contains(logged[0], "part 1's commit, begun at 2026-01-01T00:00:00Z, was interrupted (.datagen-journal.part-00001-of-00003.json): rolled back") ||
		!strings.HasSuffix(logged[0], "(a run split into 3 parts; this run has 2)") {
		t.Errorf("logged %q", logged)
	}
	for _, k := range keys(t, s) {
		if strings.Contains(k, "of-00003") {
			t.Errorf("%s is left", k)
		}
	}
}
