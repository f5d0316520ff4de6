package upload

import (
	"errors"
	"strings"
	"testing"
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
