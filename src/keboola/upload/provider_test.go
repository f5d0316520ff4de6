package upload

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

type fakeAPIError struct{ code, msg string }

func (e fakeAPIError) Error() string {
	return "operation error S3: PutObject, https response error\n" + e.msg
}
func (e fakeAPIError) ErrorCode() string    { return e.code }
func (e fakeAPIError) ErrorMessage() string { return e.msg }

// Provider errors become one actionable line; the original stays wrapped.
func TestProviderErrorsInOneLine(t *testing.T) {
	azure := errors.New(`PUT https://acc.blob.core.windows.net/c/file?comp=block
--------------------------------------------------------------------------------
RESPONSE 403: 403 Server failed to authenticate the request.
ERROR CODE: AuthenticationFailed
--------------------------------------------------------------------------------
<?xml version="1.0" encoding="utf-8"?><Error><Code>AuthenticationFailed</Code><Message>Server failed to authenticate the request.
RequestId:1 Time:2026-01-01T00:00:00Z</Message><AuthenticationErrorDetail>Signed expiry time has passed</AuthenticationErrorDetail></Error>
--------------------------------------------------------------------------------`)
	xmlExpired := errors.New(`HTTP 400: <?xml version='1.0' encoding='UTF-8'?><Error><Code>ExpiredToken</Code><Message>The provided token has expired.</Message></Error>`)
	cases := []struct {
		provider string
		err      error
		want     string
	}{
		{"Azure Blob Storage", azure, "Azure Blob Storage refused the upload (HTTP 403 AuthenticationFailed): Server failed to authenticate the request.; the upload credentials Storage gave for this file expired or were refused: run the upload again"},
		{"Google Cloud Storage", xmlExpired, "Google Cloud Storage refused the upload (HTTP 400 ExpiredToken): The provided token has expired.; the upload credentials"},
		{"Amazon S3", fakeAPIError{"SlowDown", "Please reduce your request rate."}, "Amazon S3 refused the upload (SlowDown): Please reduce your request rate."},
		{"Amazon S3", errors.New("connection reset by peer"), "connection reset by peer"},
	}
	for _, c := range cases {
		got := oneLine(c.provider, c.err)
		if strings.Contains(got.Error(), "\n") || !strings.HasPrefix(got.Error(), c.want) {
			t.Errorf("%s: got %q, want prefix %q", c.provider, got, c.want)
		}
		if !errors.Is(got, c.err) {
			t.Errorf("%s: the original error is not wrapped", c.provider)
		}
	}
}

// hungStore reads a little, then hangs like a dead connection until its
// context ends.
type hungStore struct{ discardStore }

func (h *hungStore) put(ctx context.Context, _ string, r io.Reader) error {
	buf := make([]byte, 10)
	if _, err := r.Read(buf); err != nil {
		return err
	}
	<-ctx.Done()
	return ctx.Err()
}

// A blob upload that stops sending is abandoned after StallTimeout with an
// error saying so, instead of waiting forever.
func TestHungUploadIsAbandoned(t *testing.T) {
	defer func(d time.Duration) { StallTimeout = d }(StallTimeout)
	StallTimeout = 200 * time.Millisecond
	path := filepath.Join(t.TempDir(), "t.csv")
	if err := os.WriteFile(path, []byte("id\n1\n2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err := putPart(context.Background(), &hungStore{}, part{file: sourceFile{path: path, name: "t.csv"}, n: -1, skipHeader: true}, defaultDialect, 6, &progress{})
	if err == nil || !strings.Contains(err.Error(), "t.csv: the upload to cloud storage sent nothing for 200ms and was abandoned") {
		t.Errorf("error %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
	// Progress keeps an upload alive.
	if _, err := putPart(context.Background(), &discardStore{}, part{file: sourceFile{path: path, name: "t.csv"}, n: -1, skipHeader: true}, defaultDialect, 6, &progress{}); err != nil {
		t.Error(err)
	}
}
