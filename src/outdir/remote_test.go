package outdir

import (
	"context"
	"errors"
	"io"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"datagen/src/objstore"
)

// s3Store returns a store on an in-process S3 emulator.
func s3Store(t *testing.T) objstore.Store {
	t.Helper()
	backend := s3mem.New()
	if err := backend.CreateBucket("b"); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gofakes3.New(backend).Server())
	t.Cleanup(srv.Close)
	env := map[string]string{"AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_ENDPOINT_URL_S3": srv.URL}
	s, err := objstore.Open(context.Background(), objstore.Location{Scheme: "s3", Bucket: "b"}, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func keys(t *testing.T, s objstore.Store) []string {
	t.Helper()
	list, err := s.List(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, o := range list {
		out = append(out, o.Key)
	}
	slices.Sort(out)
	return out
}

// stageRemote begins a remote transaction for part p and stages two
// table files and the manifest.
func stageRemote(t *testing.T, s objstore.Store, p Part, content string, step func(string) error) *Tx {
	t.Helper()
	tx, err := BeginRemote(context.Background(), s, "run/", Options{Step: step})
	if err != nil {
		t.Fatal(err)
	}
	stageTables(t, tx, p, content)
	if err := tx.WriteFile(MetadataFile(p), []byte(`{}`)); err != nil {
		t.Fatal(err)
	}
	return tx
}

// stagedTables are the tables stageTables stages.
var stagedTables = []string{"a", "b"}

// stageTables stages the files of stagedTables of part p in tx, each
// holding content and its id, and returns their paths in that order.
func stageTables(t *testing.T, tx *Tx, p Part, content string) []string {
	t.Helper()
	var rels []string
	for _, id := range stagedTables {
		rel := TableFile(id, CSV, false, p)
		f, err := tx.Create(rel)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(f, content+id); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		rels = append(rels, rel)
	}
	return rels
}

// TestRemoteCommit: the objects appear only when the commit completes,
// the manifest last; a commit that fails or is cancelled at any step
// leaves no object of the part, and an abort leaves none either.
func TestRemoteCommit(t *testing.T) {
	p := Part{K: 1, N: 2}
	all := []string{"run/" + MetadataFile(p), "run/a/part-00001-of-00002.csv", "run/b/part-00001-of-00002.csv"}
	for _, at := range []string{"a/part-00001-of-00002.csv", "b/part-00001-of-00002.csv", MetadataFile(p), ""} {
		t.Run("fail at "+at, func(t *testing.T) {
			s := s3Store(t)
			var seen []string
			tx := stageRemote(t, s, p, "x", func(entry string) error {
				seen = append(seen, entry)
				if entry == at {
					return errors.New("injected")
				}
				return nil
			})
			if got := keys(t, s); len(got) != 0 {
				t.Errorf("before the commit: %v", got)
			}
			if err := tx.Commit(context.Background()); err == nil || !strings.Contains(err.Error(), "injected") {
				t.Fatalf("commit: %v", err)
			}
			if got := keys(t, s); len(got) != 0 {
				t.Errorf("after a failed commit: %v", got)
			}
		})
	}
	s := s3Store(t)
	var order []string
	tx := stageRemote(t, s, p, "x", func(entry string) error { order = append(order, entry); return nil })
	if size, sum, err := tx.Digest("a/part-00001-of-00002.csv"); err != nil || size != 2 || sum != hash("xa") {
		t.Errorf("Digest: %d %s %v", size, sum, err)
	}
	if err := tx.Commit(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := keys(t, s); !slices.Equal(got, all) {
		t.Errorf("committed %v, want %v", got, all)
	}
	if want := []string{"a/part-00001-of-00002.csv", "b/part-00001-of-00002.csv", MetadataFile(p), ""}; !slices.Equal(order, want) {
		t.Errorf("commit order %q, want %q", order, want)
	}
	// A cancelled run, and an aborted one, leave the earlier objects.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	tx = stageRemote(t, s, p, "y", nil)
	if err := tx.Commit(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled commit: %v", err)
	}
	tx = stageRemote(t, s, p, "z", nil)
	tx.Abort()
	r, err := RemoteFolder{Store: s, Prefix: "run/"}.Open(context.Background(), "a/part-00001-of-00002.csv")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(r)
	r.Close()
	if string(b) != "xa" {
		t.Errorf("after a cancelled and an aborted run: %q", b)
	}
}

// failDelete is a store whose Delete of one key fails.
type failDelete struct {
	objstore.Store
	key string
}

func (s failDelete) Delete(ctx context.Context, key string) error {
	if key == s.key {
		return errors.New("injected delete failure")
	}
	return s.Store.Delete(ctx, key)
}

// TestRemoteCommitFailKeepsEarlier: a rerun of a part whose commit fails
// in process deletes only what it published: when it published nothing,
// the earlier run's part is as it was, manifest included; when it
// published a table, that table goes and the earlier run's other objects
// of the part stay. No journal is left either way.
func TestRemoteCommitFailKeepsEarlier(t *testing.T) {
	const manifest = "run/.metadata.part-00001-of-00002.json"
	a, b := "run/a/part-00001-of-00002.csv", "run/b/part-00001-of-00002.csv"
	for _, c := range []struct {
		name string
		// fail sets up the failure of the rerun's commit.
		fail func(s objstore.Store) (objstore.Store, func(string) error)
		want map[string]string // key → content, "" absent
	}{
		{"nothing published", func(s objstore.Store) (objstore.Store, func(string) error) {
			// Removing the folder's .metadata.json fails, after the part's
			// manifest is gone.
			return failDelete{s, "run/.metadata.json"}, nil
		}, map[string]string{a: "xa", b: "xb", manifest: "<earlier>"}},
		{"one table published", func(s objstore.Store) (objstore.Store, func(string) error) {
			return s, func(entry string) error {
				if entry == "b/part-00001-of-00002.csv" {
					return errors.New("injected")
				}
				return nil
			}
		}, map[string]string{a: "", b: "xb", manifest: ""}},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := s3Store(t)
			if err := stagePart(t, s, 1, "x", nil).Commit(context.Background()); err != nil {
				t.Fatal(err)
			}
			if err := s.Put(context.Background(), "run/.metadata.json", strings.NewReader(`{"finalized":true}`)); err != nil {
				t.Fatal(err)
			}
			earlier := objects(t, s)[manifest]
			fs, step := c.fail(s)
			tx, err := BeginRemote(context.Background(), fs, "run/", Options{Step: step, Scratch: t.TempDir(), Remove: []string{".metadata.json"}})
			if err != nil {
				t.Fatal(err)
			}
			for _, id := range []string{"a", "b"} {
				f, err := tx.Create(TableFile(id, CSV, false, Part{K: 1, N: 2}))
				if err != nil {
					t.Fatal(err)
				}
				if _, err := io.WriteString(f, "y"+id); err != nil {
					t.Fatal(err)
				}
				if err := f.Close(); err != nil {
					t.Fatal(err)
				}
			}
			if err := tx.WriteFile(MetadataFile(Part{K: 1, N: 2}), []byte(`{"new":true}`)); err != nil {
				t.Fatal(err)
			}
			if err := tx.Commit(context.Background()); err == nil || !strings.Contains(err.Error(), "injected") {
				t.Fatalf("commit: %v", err)
			}
			got := objects(t, s)
			for k, want := range c.want {
				if want == "<earlier>" {
					want = earlier
				}
				if v, ok := got[k]; want == "" && ok || want != "" && v != want {
					t.Errorf("%s = %q (present %v), want %q", k, v, ok, want)
				}
			}
			for k := range got {
				if strings.Contains(k, "journal") {
					t.Errorf("journal %s left", k)
				}
			}
		})
	}
}
