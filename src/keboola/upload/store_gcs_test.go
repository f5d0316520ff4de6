package upload

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"datagen/src/keboola/storage"
	"datagen/src/objstore"
)

// gcsTestFile is a prepared GCS file whose token the emulator accepts.
func gcsTestFile(bucket, token string) *storage.File {
	return &storage.File{ID: 7, Provider: storage.ProviderGCP, GCS: &storage.GCSUploadParams{
		Bucket: bucket, Key: "exp-2/7/files/data.csv.gz", AccessToken: token, ExpiresIn: 3599, TokenType: "Bearer"}}
}

// TestGCSChunkBoundaries uploads objects around the chunk size through
// fake-gcs-server and reads back the same bytes.
func TestGCSChunkBoundaries(t *testing.T) {
	emu := newGCSEmu(t)
	const chunk = gcsChunkQuantum
	store, err := newGCSStore(context.Background(), gcsTestFile(emu.bucket, emu.issue()),
		storeConfig{endpoints: emu.endpoints(), partSize: chunk})
	if err != nil {
		t.Fatal(err)
	}
	defer store.close()
	for _, size := range []int{0, 1, chunk - 1, chunk, chunk + 1, 3 * chunk, 3*chunk + 17} {
		t.Run(strconv.Itoa(size), func(t *testing.T) {
			data := make([]byte, size)
			_, _ = rand.Read(data)
			suffix := fmt.Sprintf(".%d", size)
			before := emu.requests()
			// Short reads, as from a pipe.
			if err := store.put(context.Background(), suffix, &shortReader{r: bytes.NewReader(data), n: 1000}); err != nil {
				t.Fatal(err)
			}
			got, err := emu.read(store.url(suffix))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, data) {
				t.Fatalf("read back %d bytes, sent %d (or different bytes)", len(got), len(data))
			}
			// One request starts the session, then one per chunk.
			chunks := max(1, (size+chunk-1)/chunk)
			if size > 0 && size%chunk == 0 {
				chunks = size / chunk
			}
			if n := emu.requests() - before; n != 1+chunks {
				t.Errorf("%d requests, want %d (start + %d chunks)", n, 1+chunks, chunks)
			}
		})
	}
}

// requests is the number of requests the emulator has seen.
func (e *gcsEmu) requests() int {
	e.auth.mu.Lock()
	defer e.auth.mu.Unlock()
	return e.auth.requests
}

// shortReader returns at most n bytes per Read.
type shortReader struct {
	r io.Reader
	n int
}

func (s *shortReader) Read(p []byte) (int, error) {
	if len(p) > s.n {
		p = p[:s.n]
	}
	return s.r.Read(p)
}

// resumableServer is a minimal GCS resumable-upload endpoint that keeps
// only part of some chunks and fails others, to test resumption. It
// implements the status query (an empty PUT with "bytes */total").
type resumableServer struct {
	mu      sync.Mutex
	data    []byte
	done    bool
	puts    int
	queries int
	// fault decides, for the n-th data PUT, to answer 503 after keeping
	// keep bytes of the chunk (keep < 0: keep none and fail at once).
	fault func(n int) (fail bool, keep int)
}

func (s *resumableServer) handler(t *testing.T) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if r.Header.Get("Authorization") != "Bearer tok" {
			http.Error(w, `{"error":{"message":"bad token"}}`, http.StatusUnauthorized)
			return
		}
		if r.Method == http.MethodPost {
			if r.URL.Query().Get("uploadType") != "resumable" || r.URL.Query().Get("name") != "exp-2/7/files/data.csv.gz" {
				t.Errorf("start: unexpected query %s", r.URL.RawQuery)
			}
			w.Header().Set("Location", "http://"+r.Host+"/session/1")
			return
		}
		body, _ := io.ReadAll(r.Body)
		cr := r.Header.Get("Content-Range")
		rng, total, _ := strings.Cut(strings.TrimPrefix(cr, "bytes "), "/")
		if rng == "*" { // status query, or the empty last chunk
			if len(body) != 0 {
				t.Errorf("body with Content-Range %s", cr)
			}
			s.queries++
			if total != "*" && strconv.Itoa(len(s.data)) == total {
				s.done = true
				w.WriteHeader(http.StatusOK)
				return
			}
			s.partial(w)
			return
		}
		s.puts++
		a, _, _ := strings.Cut(rng, "-")
		start, _ := strconv.Atoi(a)
		if start != len(s.data) {
			t.Errorf("chunk starts at %d, the server has %d bytes", start, len(s.data))
			http.Error(w, "bad offset", http.StatusBadRequest)
			return
		}
		if s.fault != nil {
			if fail, keep := s.fault(s.puts); fail {
				if keep > 0 {
					s.data = append(s.data, body[:keep]...)
				}
				http.Error(w, "backend error", http.StatusServiceUnavailable)
				return
			}
		}
		s.data = append(s.data, body...)
		if total != "*" && strconv.Itoa(len(s.data)) == total {
			s.done = true
			w.WriteHeader(http.StatusOK)
			return
		}
		s.partial(w)
	})
}

func (s *resumableServer) partial(w http.ResponseWriter) {
	if len(s.data) > 0 {
		w.Header().Set("Range", fmt.Sprintf("bytes=0-%d", len(s.data)-1))
	}
	w.WriteHeader(http.StatusPermanentRedirect)
}

// TestGCSResumesAfterFailures: a chunk that fails with 503 after the
// service kept part of it is resent from the offset the service reports.
func TestGCSResumesAfterFailures(t *testing.T) {
	const chunk = gcsChunkQuantum
	cases := map[string]func(n int) (bool, int){
		"fail before keeping anything": func(n int) (bool, int) { return n == 2, -1 },
		"fail after keeping part":      func(n int) (bool, int) { return n == 2, 1000 },
		"last chunk kept whole":        func(n int) (bool, int) { return n == 4, 5 },
		"several failures":             func(n int) (bool, int) { return n <= 3, n * 100 },
	}
	for name, fault := range cases {
		t.Run(name, func(t *testing.T) {
			srv := &resumableServer{fault: fault}
			hs := httptest.NewServer(srv.handler(t))
			defer hs.Close()
			store, err := newGCSStore(context.Background(), gcsTestFile("b", "tok"),
				storeConfig{endpoints: Endpoints{GCS: hs.URL + "/storage/v1/"}, partSize: chunk})
			if err != nil {
				t.Fatal(err)
			}
			store.gcs.Retry = objstore.Retry{Attempts: 5, Base: time.Millisecond, Max: time.Millisecond}
			data := make([]byte, 3*chunk+5)
			_, _ = rand.Read(data)
			if err := store.put(context.Background(), "", bytes.NewReader(data)); err != nil {
				t.Fatal(err)
			}
			if !srv.done || !bytes.Equal(srv.data, data) {
				t.Fatalf("server has %d bytes (complete: %v), sent %d", len(srv.data), srv.done, len(data))
			}
			if srv.queries == 0 {
				t.Errorf("no status query after a failure")
			}
		})
	}
}

// TestGCSGivesUp: persistent 503s end in an error naming the object and
// the status, after the configured attempts; 4xx errors are not retried.
func TestGCSGivesUp(t *testing.T) {
	for _, tc := range []struct {
		code     int
		attempts int
	}{{http.StatusServiceUnavailable, 3}, {http.StatusForbidden, 1}} {
		t.Run(strconv.Itoa(tc.code), func(t *testing.T) {
			var starts int
			hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				starts++
				http.Error(w, `{"error":{"code":`+strconv.Itoa(tc.code)+`,"message":"nope"}}`, tc.code)
			}))
			defer hs.Close()
			store, _ := newGCSStore(context.Background(), gcsTestFile("b", "tok"),
				storeConfig{endpoints: Endpoints{GCS: hs.URL + "/storage/v1/"}})
			store.gcs.Retry = objstore.Retry{Attempts: 3, Base: time.Millisecond, Max: time.Millisecond}
			err := store.put(context.Background(), ".x", strings.NewReader("a,b\n"))
			want := fmt.Sprintf("GCS upload to gs://b/exp-2/7/files/data.csv.gz.x: starting the upload: HTTP %d: nope", tc.code)
			if err == nil || err.Error() != want {
				t.Fatalf("error %v, want %s", err, want)
			}
			if starts != tc.attempts {
				t.Errorf("%d attempts, want %d", starts, tc.attempts)
			}
		})
	}
}
