package objstore

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/fsouza/fake-gcs-server/fakestorage"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// emulators returns a store of each provider whose emulator runs here:
// S3 (gofakes3) and GCS (fake-gcs-server) in process, Azure Blob Storage
// in Azurite when it is reachable (see .ci/emulators.sh).
func emulators(t *testing.T) map[string]Store {
	t.Helper()
	out := map[string]Store{}

	backend := s3mem.New()
	if err := backend.CreateBucket("b"); err != nil {
		t.Fatal(err)
	}
	s3srv := httptest.NewServer(gofakes3.New(backend).Server())
	t.Cleanup(s3srv.Close)
	s3store, err := Open(context.Background(), Location{Scheme: "s3", Bucket: "b"}, env(map[string]string{
		"AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_ENDPOINT_URL": s3srv.URL}))
	if err != nil {
		t.Fatal(err)
	}
	out["s3"] = s3store

	gcs, err := fakestorage.NewServerWithOptions(fakestorage.Options{NoListener: true, Writer: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	gcs.CreateBucketWithOpts(fakestorage.CreateBucketOpts{Name: "b"})
	gcs.CreateBucketWithOpts(fakestorage.CreateBucketOpts{Name: "r"})
	gsrv := httptest.NewServer(gcs.HTTPHandler())
	t.Cleanup(gsrv.Close)
	gstore, err := Open(context.Background(), Location{Scheme: "gs", Bucket: "b"}, env(map[string]string{"STORAGE_EMULATOR_HOST": gsrv.URL}))
	if err != nil {
		t.Fatal(err)
	}
	out["gs"] = gstore
	gres, err := Open(context.Background(), Location{Scheme: "gs", Bucket: "r"}, env(map[string]string{"STORAGE_EMULATOR_HOST": gsrv.URL,
		"DATAGEN_GCS_UPLOAD": "resumable"}))
	if err != nil {
		t.Fatal(err)
	}
	out["gs-resumable"] = gres

	endpoint := os.Getenv("DATAGEN_AZURITE_BLOB")
	if endpoint == "" {
		endpoint = "http://127.0.0.1:10000/devstoreaccount1"
	}
	host := strings.TrimPrefix(strings.TrimPrefix(endpoint, "http://"), "https://")
	host, _, _ = strings.Cut(host, "/")
	if conn, err := net.DialTimeout("tcp", host, 500*time.Millisecond); err == nil {
		conn.Close()
		name := "objstore-" + randHex(6)
		astore, err := Open(context.Background(), Location{Scheme: "az", Bucket: name}, env(map[string]string{
			"AZURE_STORAGE_CONNECTION_STRING": "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
				"AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=" + endpoint + ";"}))
		if err != nil {
			t.Fatal(err)
		}
		abs := astore.(*ABS)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err := abs.container.Create(ctx, nil); err != nil {
			t.Fatalf("creating Azurite container: %v", err)
		}
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_, _ = abs.container.Delete(ctx, nil)
		})
		out["az"] = astore
	} else if os.Getenv("DATAGEN_REQUIRE_EMULATORS") == "1" {
		t.Fatalf("Azurite is not running at %s; start it with .ci/emulators.sh start", host)
	} else {
		t.Logf("Azurite is not running at %s: Azure Blob Storage not tested", host)
	}
	return out
}

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// small sets a small part size, so that a few MiB take several parts.
func small(s Store) {
	switch s := s.(type) {
	case *S3:
		*s = *NewS3(s.client, S3Options{Bucket: s.opts.Bucket, PartSize: S3MinPartSize, Concurrency: 3})
	case *GCS:
		s.chunkSize = GCSChunkQuantum
		// The emulator answers 500 where the service answers 404 (a
		// compose of a missing component): no long backoff.
		s.Retry = Retry{Attempts: 2, Base: time.Millisecond, Max: time.Millisecond}
	case *ABS:
		s.blockSize = 1 << 20
	}
}

func read(t *testing.T, s Store, key string) ([]byte, error) {
	t.Helper()
	r, err := s.Open(context.Background(), key)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}

// TestUploadVisibleOnlyAfterCommit streams objects of several sizes in
// odd-sized writes: none is visible before Commit, each reads back whole
// after it; an aborted upload leaves no object, and an aborted
// replacement leaves the earlier object as it was.
func TestUploadVisibleOnlyAfterCommit(t *testing.T) {
	ctx := context.Background()
	for name, s := range emulators(t) {
		t.Run(name, func(t *testing.T) {
			small(s)
			sizes := []int{0, 1, GCSChunkQuantum + 3, 2<<20 + 5}
			switch name {
			case "s3":
				sizes = append(sizes, 2*S3MinPartSize+7)
			case "gs":
				// More components than one compose takes.
				sizes = append(sizes, (gcsMaxCompose+2)*GCSChunkQuantum+1)
			}
			for _, size := range sizes {
				data := make([]byte, size)
				_, _ = rand.Read(data)
				key := "p/t/part-" + randHex(3) + ".bin"
				u, err := s.Create(ctx, key)
				if err != nil {
					t.Fatal(err)
				}
				h := NewHashed(u)
				for rest := data; len(rest) > 0; {
					n := min(len(rest), 100_003)
					if _, err := h.Write(rest[:n]); err != nil {
						t.Fatal(err)
					}
					rest = rest[n:]
				}
				if err := h.Close(); err != nil {
					t.Fatal(err)
				}
				if _, err := read(t, s, key); !errors.Is(err, ErrNotFound) {
					t.Fatalf("%d bytes: before the commit, reading gives %v, want ErrNotFound", size, err)
				}
				if err := h.Commit(ctx); err != nil {
					t.Fatal(err)
				}
				got, err := read(t, s, key)
				if err != nil || !bytes.Equal(got, data) {
					t.Fatalf("%d bytes: read back %d bytes (%v)", size, len(got), err)
				}
				sum := sha256.Sum256(data)
				if h.Size() != int64(size) || h.SHA256() != hex.EncodeToString(sum[:]) {
					t.Errorf("%d bytes: Hashed says %d bytes, %s", size, h.Size(), h.SHA256())
				}
				// A replacement that is aborted leaves the object as it was.
				u, err = s.Create(ctx, key)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := u.Write(make([]byte, 3<<20)); err != nil {
					t.Fatal(err)
				}
				if err := u.Abort(ctx); err != nil {
					t.Fatal(err)
				}
				if got, err := read(t, s, key); err != nil || !bytes.Equal(got, data) {
					t.Fatalf("%d bytes: after an aborted replacement, read back %d bytes (%v)", size, len(got), err)
				}
			}
			// An aborted new object leaves nothing.
			u, err := s.Create(ctx, "p/aborted.bin")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := u.Write(make([]byte, 6<<20)); err != nil {
				t.Fatal(err)
			}
			if err := u.Close(); err != nil {
				t.Fatal(err)
			}
			if err := u.Abort(ctx); err != nil {
				t.Fatal(err)
			}
			if _, err := read(t, s, "p/aborted.bin"); !errors.Is(err, ErrNotFound) {
				t.Errorf("aborted object: %v, want ErrNotFound", err)
			}
			// List, Put and Delete.
			if err := s.Put(ctx, "p/small.json", strings.NewReader(`{}`)); err != nil {
				t.Fatal(err)
			}
			list, err := s.List(ctx, "p/")
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != len(sizes)+1 {
				t.Errorf("List: %d objects, want %d: %v", len(list), len(sizes)+1, list)
			}
			for _, o := range list {
				if o.Key == "p/small.json" && o.Size != 2 {
					t.Errorf("List: %+v", o)
				}
				// The store's clock, not this one's: only roughly now.
				if d := time.Since(o.Modified); d < -time.Hour || d > time.Hour {
					t.Errorf("List: %s modified %s", o.Key, o.Modified)
				}
			}
			if err := s.Delete(ctx, "p/small.json"); err != nil {
				t.Fatal(err)
			}
			if err := s.Delete(ctx, "p/small.json"); err != nil {
				t.Errorf("deleting a missing object: %v", err)
			}
			if _, err := read(t, s, "p/small.json"); !errors.Is(err, ErrNotFound) {
				t.Errorf("deleted object: %v", err)
			}
		})
	}
}

func TestParseURL(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Location
		err  string
	}{
		{"s3://bucket/prefix/run", Location{"s3", "bucket", "prefix/run/"}, ""},
		{"gs://bucket", Location{"gs", "bucket", ""}, ""},
		{"az://container/a/", Location{"az", "container", "a/"}, ""},
		{"s3:///x", Location{}, "names no bucket"},
		{"s3://b/../x", Location{}, `must not contain ".."`},
		{"http://b/x", Location{}, "not an object storage URL"},
	} {
		got, err := ParseURL(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s: error %v, want %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%s: %+v, %v", c.in, got, err)
		}
	}
}

// TestFailedPartFailsTheUpload: S3 refusing one part of a multipart
// upload fails the upload with the provider's message, and the aborted
// upload leaves no object.
func TestFailedPartFailsTheUpload(t *testing.T) {
	backend := s3mem.New()
	if err := backend.CreateBucket("b"); err != nil {
		t.Fatal(err)
	}
	fake := gofakes3.New(backend).Server()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("partNumber") == "3" {
			// Read the part before answering: a server that answers
			// while the client still sends resets the connection, and
			// the client sees the reset instead of the 403.
			_, _ = io.Copy(io.Discard, r.Body)
			w.WriteHeader(http.StatusForbidden)
			_, _ = io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>`)
			return
		}
		fake.ServeHTTP(w, r)
	}))
	defer srv.Close()
	s, err := Open(context.Background(), Location{Scheme: "s3", Bucket: "b"}, env(map[string]string{
		"AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_ENDPOINT_URL": srv.URL}))
	if err != nil {
		t.Fatal(err)
	}
	small(s)
	ctx := context.Background()
	u, err := s.Create(ctx, "t/part.csv")
	if err != nil {
		t.Fatal(err)
	}
	var werr error
	chunk := make([]byte, 1<<20)
	for i := 0; i < 40 && werr == nil; i++ {
		_, werr = u.Write(chunk)
	}
	if werr == nil {
		werr = u.Close()
	}
	if werr == nil || !strings.Contains(werr.Error(), "upload s3://b/t/part.csv: Amazon S3 refused the upload (HTTP 403 AccessDenied): Access Denied") {
		t.Fatalf("error %v", werr)
	}
	if err := u.Abort(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := read(t, s, "t/part.csv"); !errors.Is(err, ErrNotFound) {
		t.Errorf("after a failed upload: %v", err)
	}
}

// TestDiscard: another process discards an upload left pending by its
// handle; discarding it again, or a handle of nothing, is not an error.
func TestDiscard(t *testing.T) {
	ctx := context.Background()
	for name, s := range emulators(t) {
		t.Run(name, func(t *testing.T) {
			small(s)
			u, err := s.Create(ctx, "pending")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := u.Write(bytes.Repeat([]byte("x"), 6<<20)); err != nil {
				t.Fatal(err)
			}
			if err := u.Close(); err != nil {
				t.Fatal(err)
			}
			h := Handle(NewHashed(u))
			leaves := name == "s3" || name == "gs"
			if (h != "") != leaves {
				t.Errorf("handle %q", h)
			}
			for range 2 {
				if err := Discard(ctx, s, "pending", h); err != nil {
					t.Errorf("discard: %v", err)
				}
			}
			if leaves {
				if err := u.Commit(ctx); err == nil {
					t.Errorf("a discarded upload committed")
				}
				if _, err := read(t, s, "pending"); !errors.Is(err, ErrNotFound) {
					t.Errorf("read after discard: %v", err)
				}
			}
		})
	}
}

func TestIsComponent(t *testing.T) {
	for _, c := range []struct {
		key  string
		want bool
	}{
		{ComponentPrefix("run/a/part-00001-of-00002.csv") + "3uu3qbwx-000011", true},
		{ComponentPrefix("part.parquet") + "x1-i2-000000", true},
		{"run/a/part-00001-of-00002.csv", false},
		{"run/.metadata.part-00001-of-00002.json", false},
		{"run/.datagen-journal.part-00001-of-00002.json", false},
		{"run/a/.part.csv.c-abc-12", false},
	} {
		if got := IsComponent(c.key); got != c.want {
			t.Errorf("IsComponent(%q) = %v", c.key, got)
		}
		if up := ComponentUpload(c.key); c.want != (up != "") || up != "" && !strings.HasSuffix(up, "-") {
			t.Errorf("ComponentUpload(%q) = %q", c.key, up)
		}
	}
	for key, want := range map[string]string{
		ComponentPrefix("run/a/part.csv") + "3uu3qbwx-000011": ComponentPrefix("run/a/part.csv") + "3uu3qbwx-",
		ComponentPrefix("part.parquet") + "x1-i2-000000":      ComponentPrefix("part.parquet") + "x1-",
	} {
		if got := ComponentUpload(key); got != want {
			t.Errorf("ComponentUpload(%q) = %q, want %q", key, got, want)
		}
	}
}

func TestGCSUploadMode(t *testing.T) {
	for _, c := range []struct {
		mode     string
		parallel int
		err      string
	}{
		{"", 2, ""}, {"composite", 2, ""}, {"resumable", 0, ""},
		{"fast", 0, `DATAGEN_GCS_UPLOAD is "fast": want composite (the default) or resumable`},
	} {
		s, err := Open(context.Background(), Location{Scheme: "gs", Bucket: "b"},
			env(map[string]string{"STORAGE_EMULATOR_HOST": "127.0.0.1:1", "DATAGEN_GCS_UPLOAD": c.mode}))
		if c.err != "" {
			if err == nil || err.Error() != c.err {
				t.Errorf("%q: %v, want %q", c.mode, err, c.err)
			}
			continue
		}
		if err != nil || s.(*GCS).parallel != c.parallel {
			t.Errorf("%q: %v, %+v", c.mode, err, s)
		}
	}
}

// TestGCSOneChunkNoComponent: a composite upload of at most one chunk
// sends nothing before its commit (no component a killed process could
// leave) and puts the object whole at Commit; one more byte makes it
// components, sent before the commit.
func TestGCSOneChunkNoComponent(t *testing.T) {
	ctx := context.Background()
	s := emulators(t)["gs"]
	small(s)
	for _, c := range []struct {
		size       int
		components bool
	}{{0, false}, {1, false}, {GCSChunkQuantum, false}, {GCSChunkQuantum + 1, true}, {3 * GCSChunkQuantum, true}} {
		key := fmt.Sprintf("one/%d.bin", c.size)
		data := make([]byte, c.size)
		_, _ = rand.Read(data)
		u, err := s.Create(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		for rest := data; len(rest) > 0; {
			n := min(len(rest), 100_003)
			if _, err := u.Write(rest[:n]); err != nil {
				t.Fatal(err)
			}
			rest = rest[n:]
		}
		if err := u.Close(); err != nil {
			t.Fatal(err)
		}
		list, err := s.List(ctx, "one/")
		if err != nil {
			t.Fatal(err)
		}
		var comps int
		for _, o := range list {
			if !IsComponent(o.Key) {
				continue
			}
			comps++
		}
		if (comps > 0) != c.components || (Handle(u) != "") != c.components {
			t.Errorf("%d bytes: %d components before the commit, handle %q; want components %v", c.size, comps, Handle(u), c.components)
		}
		if err := u.Commit(ctx); err != nil {
			t.Fatal(err)
		}
		if got, err := read(t, s, key); err != nil || !bytes.Equal(got, data) {
			t.Fatalf("%d bytes: read back %d bytes (%v)", c.size, len(got), err)
		}
		list, err = s.List(ctx, "one/")
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range list {
			if IsComponent(o.Key) {
				t.Errorf("%d bytes: component %s left after the commit", c.size, o.Key)
			}
		}
	}
}
