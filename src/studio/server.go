// Package studio is datagen studio: a local web page to write a schema
// with live feedback. The page (src/studio/assets, embedded in the
// binary) holds a CodeMirror editor with completion from the JSON Schema
// of the language, every problem of the schema at its place, a sample of
// each table and a chart of each column; the server answers its small
// JSON API with the checks of `datagen check` and the in-memory sample of
// `datagen preview`, and saves the schema back to the file it was started
// with.
//
// The server listens on 127.0.0.1 only and guards itself against other
// web sites: it answers only requests whose Host header names the
// loopback address it listens on (DNS rebinding), gives the page only to
// the URL with the run's random token, and requires that token in a
// header on every API request (cross-site requests cannot set headers).
// Request bodies are bounded.
package studio

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"datagen/src/dsl"
	"datagen/src/outdir"
)

//go:embed assets
var assets embed.FS

// MaxBody bounds the body of an API request: the schema text.
const MaxBody = 4 << 20

// TokenHeader is the request header that carries the run's token.
const TokenHeader = "X-Datagen-Token"

// Options configure a studio server.
type Options struct {
	// Path is the schema file that Save writes; "" for none (the page
	// then cannot save). A file that does not exist yet is created by
	// the first save.
	Path string
	// Lenient accepts unknown keys as warnings, as --lenient does.
	Lenient bool
	// Seed is the master seed of the sample.
	Seed int64
	// Token is the run's secret; New draws a random one when empty.
	Token string
}

// Server is one studio: the schema file it edits and its token.
type Server struct {
	path string // absolute; "" when the studio cannot save
	// target is the file that path names: the file a symbolic link at
	// path points to, or path itself. Save writes it, so that a link
	// stays a link.
	target  string
	lenient bool
	seed    int64
	token   string
	// addr is the host:port the server listens on, the only Host
	// accepted; set by Listen.
	addr string
	// run serialises checks and samples: one generation at a time.
	run  chan struct{}
	save sync.Mutex
}

// New returns a studio for opts.
func New(opts Options) (*Server, error) {
	s := &Server{lenient: opts.Lenient, seed: opts.Seed, token: opts.Token, run: make(chan struct{}, 1)}
	if opts.Path != "" {
		abs, err := filepath.Abs(opts.Path)
		if err != nil {
			return nil, fmt.Errorf("schema path %s: %w", opts.Path, err)
		}
		s.path, s.target = abs, abs
		if t, err := filepath.EvalSymlinks(abs); err == nil {
			s.target = t
		}
	}
	if s.token == "" {
		b := make([]byte, 16)
		if _, err := rand.Read(b); err != nil {
			return nil, fmt.Errorf("drawing the studio's token: %w", err)
		}
		s.token = hex.EncodeToString(b)
	}
	return s, nil
}

// Listen opens the server's listener on 127.0.0.1:port (port 0: a free
// port) and remembers its address for the Host check.
func (s *Server) Listen(port int) (net.Listener, error) {
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return nil, fmt.Errorf("studio: %w", err)
	}
	s.addr = ln.Addr().String()
	return ln, nil
}

// URL is the address of the page, with the run's token.
func (s *Server) URL() string { return "http://" + s.addr + "/?token=" + s.token }

// Serve answers requests on ln until ctx ends, then shuts the server
// down (waiting a little for requests under way) and returns nil; it
// returns an error when the server fails.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second,
		BaseContext: func(net.Listener) context.Context { return ctx }}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("studio: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		_ = srv.Close()
	}
	<-done
	return nil
}

// Handler is the studio's HTTP handler.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	static, _ := fs.Sub(assets, "assets")
	files := http.FileServerFS(static)
	mux.Handle("GET /assets/", http.StripPrefix("/assets/", files))
	mux.HandleFunc("GET /{$}", s.page)
	mux.HandleFunc("GET /api/jsonschema", s.apiOnly(func(w http.ResponseWriter, _ *http.Request, _ []byte) {
		w.Header().Set("Content-Type", "application/schema+json")
		_, _ = w.Write(dsl.JSONSchema())
	}))
	mux.HandleFunc("POST /api/check", s.apiOnly(s.check))
	mux.HandleFunc("POST /api/sample", s.apiOnly(s.sample))
	mux.HandleFunc("POST /api/save", s.apiOnly(s.saveFile))
	return s.guard(mux)
}

// guard answers only requests addressed to the server's own loopback
// address, and sets the headers every answer carries.
func (s *Server) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cache-Control", "no-store")
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "+
			"img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
		if !s.hostAllowed(r.Host) {
			http.Error(w, "datagen studio answers only requests to "+s.addr, http.StatusMisdirectedRequest)
			return
		}
		if o := r.Header.Get("Origin"); o != "" && o != "http://"+r.Host {
			http.Error(w, "cross-origin request refused", http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// hostAllowed reports whether host is the address the server listens on
// (as 127.0.0.1 or localhost).
func (s *Server) hostAllowed(host string) bool {
	_, port, err := net.SplitHostPort(s.addr)
	if err != nil {
		return false
	}
	return host == s.addr || host == net.JoinHostPort("localhost", port)
}

// tokenOK reports whether t is the run's token.
func (s *Server) tokenOK(t string) bool {
	return subtle.ConstantTimeCompare([]byte(t), []byte(s.token)) == 1
}

// apiOnly wraps an API handler: it requires the token header and reads
// the request body (at most MaxBody bytes).
func (s *Server) apiOnly(h func(http.ResponseWriter, *http.Request, []byte)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.tokenOK(r.Header.Get(TokenHeader)) {
			writeError(w, http.StatusForbidden, "missing or wrong "+TokenHeader+" header: reload the page from the URL that datagen studio printed")
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("the schema is larger than %d bytes", MaxBody))
				return
			}
			writeError(w, http.StatusBadRequest, "reading the request: "+err.Error())
			return
		}
		h(w, r, body)
	}
}

// page serves the studio page with the document to edit.
func (s *Server) page(w http.ResponseWriter, r *http.Request) {
	if !s.tokenOK(r.URL.Query().Get("token")) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprintln(w, "Open the URL that datagen studio printed (it carries the run's token).")
		return
	}
	doc, err := s.document()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	name, full := "(no file: start datagen studio FILE to save)", ""
	if s.path != "" {
		name, full = filepath.Base(s.path), s.path
	}
	var b bytes.Buffer
	if err := pageTemplate.Execute(&b, map[string]any{
		"Token": s.token, "Name": name, "Path": full, "CanSave": s.path != "", "Doc": string(doc),
	}); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write(b.Bytes())
}

// pageTemplate is index.html; the document travels in a JSON data block
// (no inline script runs: the page's policy allows only its own files).
var pageTemplate = template.Must(template.ParseFS(assets, "assets/index.html"))

// document returns the text to edit: the schema file, or the starter
// schema when there is no file (yet).
func (s *Server) document() ([]byte, error) {
	if s.path == "" {
		return starter, nil
	}
	data, err := os.ReadFile(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		return starter, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", s.path, err)
	}
	return data, nil
}

// starter is the document a new schema starts from.
var starter = []byte(`{
  "$schema": "` + dsl.JSONSchemaID + `",
  "version": "1.0",
  "metadata": { "name": "NewDataset", "description": "Describe the data set here." },
  "timeframe": { "start": "2025-01-01T00:00:00Z", "end": "2025-12-31T23:59:59Z", "freq": "h" },
  "nodes": [
    {
      "id": "customer",
      "kind": "entity",
      "rows": 500,
      "pk": "customer_id",
      "columns": [
        { "name": "customer_id", "type": "int", "generator": { "sequence": { "start": 1, "step": 1 } } },
        { "name": "full_name", "type": "string", "generator": { "faker": { "method": "name" } } },
        { "name": "segment", "type": "string",
          "generator": { "choice": { "choices": ["consumer", "business"], "weights": [0.8, 0.2] } } }
      ]
    }
  ]
}
`)

// acquire waits for the generation slot; release frees it.
func (s *Server) acquire(ctx context.Context) error {
	select {
	case s.run <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *Server) release() { <-s.run }

// check answers POST /api/check: the body is the schema text, the answer
// a CheckResult.
func (s *Server) check(w http.ResponseWriter, r *http.Request, body []byte) {
	if err := s.acquire(r.Context()); err != nil {
		return // the page gave up on this request
	}
	defer s.release()
	res, err := Check(r.Context(), body, s.lenient)
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// sample answers POST /api/sample: the body is the schema text, the
// answer a SampleResult.
func (s *Server) sample(w http.ResponseWriter, r *http.Request, body []byte) {
	if err := s.acquire(r.Context()); err != nil {
		return
	}
	defer s.release()
	res, err := Sample(r.Context(), body, s.lenient, s.seed)
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// saveRequest is the body of POST /api/save. Path, when given, must name
// the file the studio was started with: the studio writes no other file.
type saveRequest struct {
	Path string `json:"path,omitempty"`
	Text string `json:"text"`
}

// saveFile answers POST /api/save: it writes the text to the schema file
// atomically (a temporary file renamed over it).
func (s *Server) saveFile(w http.ResponseWriter, r *http.Request, body []byte) {
	var req saveRequest
	if err := json.Unmarshal(body, &req); err != nil {
		writeError(w, http.StatusBadRequest, "the request is not {\"text\": ...}: "+err.Error())
		return
	}
	if s.path == "" {
		writeError(w, http.StatusConflict, "the studio was started without a schema file: start it as datagen studio FILE to save")
		return
	}
	if req.Path != "" {
		abs, err := filepath.Abs(req.Path)
		if err != nil || abs != s.path && abs != s.target {
			writeError(w, http.StatusForbidden, "the studio writes only "+s.path)
			return
		}
	}
	s.save.Lock()
	defer s.save.Unlock()
	if err := outdir.WriteFileAtomic(s.target, []byte(req.Text)); err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"path": s.path, "bytes": len(req.Text)})
}

// writeJSON answers v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// writeError answers an error as {"error": msg}.
func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}
