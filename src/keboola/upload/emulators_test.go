package upload

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/sas"
	"github.com/fsouza/fake-gcs-server/fakestorage"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// randHex returns n random bytes as hex.
func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// authLog records authentication failures seen by an emulator wrapper.
type authLog struct {
	mu        sync.Mutex
	failures  []string
	requests  int
	multipart int
}

func (a *authLog) fail(format string, args ...any) {
	a.mu.Lock()
	a.failures = append(a.failures, fmt.Sprintf(format, args...))
	a.mu.Unlock()
}

func (a *authLog) check(t testing.TB) {
	t.Helper()
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, f := range a.failures {
		t.Errorf("emulator auth: %s", f)
	}
}

// ---- S3 through gofakes3 ----

// s3Emu is gofakes3 behind a wrapper that checks the STS credentials issued
// by the fake Storage API are the ones used.
type s3Emu struct {
	srv     *httptest.Server
	backend *s3mem.Backend
	bucket  string
	auth    authLog
	mu      sync.Mutex
	creds   map[string]string // access key id → session token
}

func newS3Emu(t testing.TB) *s3Emu {
	e := &s3Emu{backend: s3mem.New(), bucket: "kbc-sapi-files", creds: map[string]string{}}
	if err := e.backend.CreateBucket(e.bucket); err != nil {
		t.Fatal(err)
	}
	fake := gofakes3.New(e.backend)
	h := fake.Server()
	e.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.auth.mu.Lock()
		e.auth.requests++
		if r.URL.Query().Has("uploadId") || r.URL.Query().Has("uploads") {
			e.auth.multipart++
		}
		e.auth.mu.Unlock()
		authz := r.Header.Get("Authorization")
		_, rest, ok := strings.Cut(authz, "Credential=")
		key, _, _ := strings.Cut(rest, "/")
		e.mu.Lock()
		session, known := e.creds[key]
		e.mu.Unlock()
		switch {
		case !ok || !known:
			e.auth.fail("%s %s: unknown access key %q", r.Method, r.URL.Path, key)
		case r.Header.Get("X-Amz-Security-Token") != session:
			e.auth.fail("%s %s: wrong session token", r.Method, r.URL.Path)
		}
		// Objects are created with the ACL and encryption of the prepare answer.
		q := r.URL.Query()
		if (r.Method == http.MethodPut && !q.Has("partNumber")) || (r.Method == http.MethodPost && q.Has("uploads")) {
			if acl, sse := r.Header.Get("X-Amz-Acl"), r.Header.Get("X-Amz-Server-Side-Encryption"); acl != "private" || sse != "AES256" {
				e.auth.fail("%s %s: x-amz-acl %q, x-amz-server-side-encryption %q, want private and AES256", r.Method, r.URL.Path, acl, sse)
			}
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(e.srv.Close)
	t.Cleanup(func() { e.auth.check(t) })
	return e
}

func (e *s3Emu) provider() string { return "aws" }

func (e *s3Emu) uploadParams(f *fakeFile) map[string]any {
	key, secret, session := "ASIA"+strings.ToUpper(randHex(8)), randHex(20), "FQoG"+randHex(40)
	e.mu.Lock()
	e.creds[key] = session
	e.mu.Unlock()
	return map[string]any{"uploadParams": map[string]any{
		"bucket": e.bucket, "key": f.Key, "acl": "private", "x-amz-server-side-encryption": "AES256",
		"credentials": map[string]any{"AccessKeyId": key, "SecretAccessKey": secret, "SessionToken": session, "Expiration": "2026-11-26T21:34:46+00:00"},
	}}
}

func (e *s3Emu) refresh(f *fakeFile) map[string]any { return e.uploadParams(f) }

func (e *s3Emu) objectURL(f *fakeFile, suffix string) string {
	return "s3://" + e.bucket + "/" + f.Key + suffix
}

func (e *s3Emu) read(u string) ([]byte, error) {
	rest, ok := strings.CutPrefix(u, "s3://"+e.bucket+"/")
	if !ok {
		return nil, fmt.Errorf("not an object of bucket %s: %s", e.bucket, u)
	}
	obj, err := e.backend.GetObject(e.bucket, rest, nil)
	if err != nil {
		return nil, err
	}
	defer obj.Contents.Close()
	return io.ReadAll(obj.Contents)
}

func (e *s3Emu) endpoints() Endpoints { return Endpoints{S3: e.srv.URL} }

// ---- GCS through fake-gcs-server ----

// gcsEmu is fake-gcs-server (in process) behind a wrapper that checks the
// bearer tokens issued by the fake Storage API.
type gcsEmu struct {
	srv    *httptest.Server
	server *fakestorage.Server
	bucket string
	auth   authLog
	mu     sync.Mutex
	tokens map[string]bool
	// expiresIn is the validity sent with prepared files (seconds).
	expiresIn int
	used      map[string]int
}

func newGCSEmu(t testing.TB) *gcsEmu {
	e := &gcsEmu{bucket: "kbc-files-storage", tokens: map[string]bool{}, used: map[string]int{}, expiresIn: 3599}
	var handler http.Handler
	e.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.auth.mu.Lock()
		e.auth.requests++
		e.auth.mu.Unlock()
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		e.mu.Lock()
		valid := ok && e.tokens[tok]
		if valid {
			e.used[tok]++
		}
		e.mu.Unlock()
		if !valid {
			e.auth.fail("%s %s: no valid bearer token", r.Method, r.URL.Path)
			http.Error(w, `{"error":{"code":401,"message":"invalid token"}}`, http.StatusUnauthorized)
			return
		}
		handler.ServeHTTP(w, r)
	}))
	t.Cleanup(e.srv.Close)
	server, err := fakestorage.NewServerWithOptions(fakestorage.Options{NoListener: true, ExternalURL: e.srv.URL, Writer: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	e.server = server
	handler = server.HTTPHandler()
	server.CreateBucketWithOpts(fakestorage.CreateBucketOpts{Name: e.bucket})
	t.Cleanup(func() { e.auth.check(t) })
	return e
}

func (e *gcsEmu) provider() string { return "gcp" }

func (e *gcsEmu) issue() string {
	tok := "ya29." + randHex(24)
	e.mu.Lock()
	e.tokens[tok] = true
	e.mu.Unlock()
	return tok
}

func (e *gcsEmu) uploadParams(f *fakeFile) map[string]any {
	return map[string]any{"gcsUploadParams": map[string]any{
		"projectId": "kbc-test", "bucket": e.bucket, "key": f.Key, "access_token": e.issue(),
		"expires_in": e.expiresIn, "token_type": "Bearer",
	}}
}

func (e *gcsEmu) refresh(f *fakeFile) map[string]any {
	return map[string]any{"gcsUploadParams": map[string]any{
		"projectId": "kbc-test", "bucket": e.bucket, "key": f.Key, "access_token": e.issue(),
		"expires_in": 3599, "token_type": "Bearer",
	}}
}

func (e *gcsEmu) objectURL(f *fakeFile, suffix string) string {
	return "gs://" + e.bucket + "/" + f.Key + suffix
}

func (e *gcsEmu) read(u string) ([]byte, error) {
	rest, ok := strings.CutPrefix(u, "gs://"+e.bucket+"/")
	if !ok {
		return nil, fmt.Errorf("not an object of bucket %s: %s", e.bucket, u)
	}
	obj, err := e.server.GetObject(e.bucket, rest)
	if err != nil {
		return nil, err
	}
	return obj.Content, nil
}

func (e *gcsEmu) endpoints() Endpoints { return Endpoints{GCS: e.srv.URL + "/storage/v1/"} }

// ---- Azure Blob Storage through Azurite ----

// Azurite's well-known development account.
const (
	azuriteAccount = "devstoreaccount1"
	azuriteKey     = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)

// requireEmulator skips (or, with DATAGEN_REQUIRE_EMULATORS=1, fails) when
// an external emulator is not reachable.
func requireEmulator(t testing.TB, name, hostport string) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", hostport, 500*time.Millisecond)
	if err == nil {
		conn.Close()
		return
	}
	if os.Getenv("DATAGEN_REQUIRE_EMULATORS") == "1" {
		t.Fatalf("%s is not running at %s (%v); start it with .ci/emulators.sh start", name, hostport, err)
	}
	t.Skipf("%s is not running at %s; start it with .ci/emulators.sh start", name, hostport)
}

// absEmu is Azurite, with a fresh container per test and SAS credentials.
type absEmu struct {
	endpoint  string // e.g. http://127.0.0.1:10000/devstoreaccount1
	container string
	client    *azblob.Client
	cred      *azblob.SharedKeyCredential
}

func newABSEmu(t testing.TB) *absEmu {
	endpoint := os.Getenv("DATAGEN_AZURITE_BLOB")
	if endpoint == "" {
		endpoint = "http://127.0.0.1:10000/" + azuriteAccount
	}
	u, err := url.Parse(endpoint)
	if err != nil {
		t.Fatalf("DATAGEN_AZURITE_BLOB %q: %v", endpoint, err)
	}
	if h := u.Hostname(); h != "127.0.0.1" && h != "localhost" && h != "::1" {
		t.Fatalf("DATAGEN_AZURITE_BLOB %q: only loopback addresses are allowed", endpoint)
	}
	requireEmulator(t, "Azurite", u.Host)
	cred, err := azblob.NewSharedKeyCredential(azuriteAccount, azuriteKey)
	if err != nil {
		t.Fatal(err)
	}
	client, err := azblob.NewClientWithSharedKeyCredential(endpoint+"/", cred, nil)
	if err != nil {
		t.Fatal(err)
	}
	e := &absEmu{endpoint: strings.TrimRight(endpoint, "/"), container: "exp-15-files-" + randHex(6), client: client, cred: cred}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := client.CreateContainer(ctx, e.container, nil); err != nil {
		t.Fatalf("creating Azurite container: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, _ = client.DeleteContainer(ctx, e.container, nil)
	})
	return e
}

func (e *absEmu) provider() string { return "azure" }

func (e *absEmu) uploadParams(f *fakeFile) map[string]any {
	perms := sas.ContainerPermissions{Read: true, Add: true, Create: true, Write: true, List: true}
	q, err := sas.BlobSignatureValues{
		Protocol: sas.ProtocolHTTPSandHTTP, ExpiryTime: time.Now().Add(time.Hour).UTC(),
		Permissions: perms.String(), ContainerName: e.container,
	}.SignWithSharedKey(e.cred)
	if err != nil {
		panic(err)
	}
	conn := "BlobEndpoint=" + e.endpoint + ";SharedAccessSignature=" + q.Encode()
	return map[string]any{"absUploadParams": map[string]any{
		"blobName": f.Key, "accountName": azuriteAccount, "container": e.container,
		"absCredentials": map[string]any{"SASConnectionString": conn, "expiration": "2026-11-27T05:55:44+0100"},
	}}
}

func (e *absEmu) refresh(f *fakeFile) map[string]any { return e.uploadParams(f) }

func (e *absEmu) objectURL(f *fakeFile, suffix string) string {
	return "azure://" + azuriteAccount + ".blob.core.windows.net/" + e.container + "/" + f.Key + suffix
}

func (e *absEmu) read(u string) ([]byte, error) {
	rest, ok := strings.CutPrefix(u, "azure://"+azuriteAccount+".blob.core.windows.net/"+e.container+"/")
	if !ok {
		return nil, fmt.Errorf("not a blob of container %s: %s", e.container, u)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	resp, err := e.client.DownloadStream(ctx, e.container, rest, nil)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	_, err = io.Copy(&b, resp.Body)
	return b.Bytes(), err
}

func (e *absEmu) endpoints() Endpoints { return Endpoints{} }
