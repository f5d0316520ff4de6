package objstore

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// ProviderError is a cloud storage failure told in one line; the
// provider's full error stays available through Unwrap.
type ProviderError struct {
	// Msg is the line: provider, HTTP status, error code and message.
	Msg string
	// Code is the provider's error code ("AccessDenied"), if any.
	Code string
	Err  error
}

func (e *ProviderError) Error() string { return e.Msg }
func (e *ProviderError) Unwrap() error { return e.Err }

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

// refusedCredentials are provider codes that mean the credentials are
// expired or not accepted.
var refusedCredentials = []string{"Expired", "AuthenticationFailed", "AuthorizationFailure", "AuthorizationPermissionMismatch",
	"AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidToken", "AuthenticationRequired", "Forbidden"}

// CredentialsRefused reports whether a provider's error code says the
// credentials are expired or refused.
func CredentialsRefused(code string) bool {
	for _, c := range refusedCredentials {
		if strings.Contains(code, c) {
			return true
		}
	}
	return false
}

// OneLine turns a provider's error (an Azure multi-line dump, raw XML, an
// SDK error) into one actionable line naming provider, HTTP status and
// error code, "<provider> refused the <what> (HTTP 403 AccessDenied):
// <message>". Cancellations and deadlines pass through unchanged.
func OneLine(provider, what string, err error) error {
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
		return &ProviderError{Msg: provider + ": " + strings.TrimSpace(first), Err: err}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s refused the %s", provider, what)
	var parts []string
	if status != "" {
		parts = append(parts, "HTTP "+status)
	}
	parts = append(parts, code)
	fmt.Fprintf(&b, " (%s)", strings.Join(parts, " "))
	if msg = strings.TrimSpace(strings.SplitN(msg, "\n", 2)[0]); msg != "" {
		fmt.Fprintf(&b, ": %s", msg)
	}
	return &ProviderError{Msg: b.String(), Code: code, Err: err}
}
