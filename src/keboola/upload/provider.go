package upload

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// providerError is a cloud storage failure told in one line; the
// provider's full error stays available through Unwrap.
type providerError struct {
	msg string
	err error
}

func (e *providerError) Error() string { return e.msg }
func (e *providerError) Unwrap() error { return e.err }

var (
	azureCode   = regexp.MustCompile(`ERROR CODE: (\S+)`)
	azureStatus = regexp.MustCompile(`RESPONSE (\d{3})`)
	xmlCode     = regexp.MustCompile(`<Code>([^<]+)</Code>`)
	xmlMessage  = regexp.MustCompile(`<Message>([^<]+)</Message>`)
	httpStatus  = regexp.MustCompile(`(?:StatusCode: ?|HTTP |status code:? )(\d{3})`)
)

// sdkError is what the AWS SDK's errors implement (smithy.APIError).
type sdkError interface {
	ErrorCode() string
	ErrorMessage() string
}

// refusedCredentials are provider codes that mean the temporary upload
// credentials Storage gave for the file are expired or not accepted.
var refusedCredentials = []string{"Expired", "AuthenticationFailed", "AuthorizationFailure", "AuthorizationPermissionMismatch",
	"AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidToken", "AuthenticationRequired", "Forbidden"}

// oneLine turns a provider's error (an Azure multi-line dump, raw XML, an
// SDK error) into one actionable line naming provider, HTTP status and
// error code. Cancellations and deadlines pass through unchanged.
func oneLine(provider string, err error) error {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	text := err.Error()
	var code, msg, status string
	var ae sdkError
	if errors.As(err, &ae) {
		code, msg = ae.ErrorCode(), ae.ErrorMessage()
	}
	if m := azureCode.FindStringSubmatch(text); code == "" && m != nil {
		code = m[1]
	}
	if m := xmlCode.FindStringSubmatch(text); code == "" && m != nil {
		code = m[1]
	}
	if m := xmlMessage.FindStringSubmatch(text); msg == "" && m != nil {
		msg = m[1]
	}
	if m := azureStatus.FindStringSubmatch(text); m != nil {
		status = m[1]
	} else if m := httpStatus.FindStringSubmatch(text); m != nil {
		status = m[1]
	}
	if code == "" {
		// Nothing structured: a one-line error is already what it should be.
		first, _, multi := strings.Cut(strings.TrimSpace(text), "\n")
		if !multi {
			return err
		}
		return &providerError{msg: provider + ": " + strings.TrimSpace(first), err: err}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s refused the upload", provider)
	var parts []string
	if status != "" {
		parts = append(parts, "HTTP "+status)
	}
	if code != "" {
		parts = append(parts, code)
	}
	fmt.Fprintf(&b, " (%s)", strings.Join(parts, " "))
	if msg = strings.TrimSpace(strings.SplitN(msg, "\n", 2)[0]); msg != "" {
		fmt.Fprintf(&b, ": %s", msg)
	}
	for _, c := range refusedCredentials {
		if strings.Contains(code, c) {
			b.WriteString("; the upload credentials Storage gave for this file expired or were refused: " +
				"run the upload again, it asks for a new file and new credentials")
			break
		}
	}
	return &providerError{msg: b.String(), err: err}
}
