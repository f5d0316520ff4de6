package storage

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"
)

// APIError is a non-2xx answer of the Storage API.
type APIError struct {
	// Method and Path identify the request, e.g. "POST" "/v2/storage/buckets".
	Method, Path string
	// StatusCode is the HTTP status.
	StatusCode int
	// Code is Keboola's machine code, e.g. "storage.buckets.alreadyExists".
	Code string
	// Message is Keboola's human-readable message.
	Message string
	// ExceptionID identifies the failure in Keboola's logs; quote it to support.
	ExceptionID string
	// RetryAfter is the delay the server asked for (429/503), zero if none.
	RetryAfter time.Duration
	// Maintenance is true when the server answered 503 with status "maintenance".
	Maintenance bool
}

// Error formats the failure with Keboola's message, code and exception id.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: %d %s", e.Method, e.Path, e.StatusCode, http.StatusText(e.StatusCode))
	if e.Maintenance {
		b.WriteString(": Keboola Storage is in maintenance")
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	var extra []string
	if e.Code != "" {
		extra = append(extra, "code "+e.Code)
	}
	if e.ExceptionID != "" {
		extra = append(extra, "exception id "+e.ExceptionID)
	}
	if len(extra) > 0 {
		b.WriteString(" (")
		b.WriteString(strings.Join(extra, ", "))
		b.WriteString(")")
	}
	return b.String()
}

// UserFault reports whether the failure is caused by the request (bad token,
// missing permission, invalid input) rather than by the server.
func (e *APIError) UserFault() bool {
	return e.StatusCode >= 400 && e.StatusCode < 500 && e.StatusCode != http.StatusTooManyRequests &&
		e.StatusCode != http.StatusRequestTimeout
}

// IsNotFound reports whether err is a 404 answer.
func IsNotFound(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.StatusCode == http.StatusNotFound
}

// IsAlreadyExists reports whether err says the resource already exists.
func IsAlreadyExists(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.StatusCode == http.StatusBadRequest &&
		strings.HasSuffix(strings.ToLower(ae.Code), "alreadyexists")
}

// IsUnauthorized reports whether err is a 401 answer (invalid or expired token).
func IsUnauthorized(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.StatusCode == http.StatusUnauthorized
}

// IsForbidden reports whether err is a 403 answer (missing permission).
func IsForbidden(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.StatusCode == http.StatusForbidden
}

// JobError is an asynchronous job that finished with status "error".
type JobError struct {
	// JobID is the Storage job id.
	JobID int64
	// Operation is the job's operationName, e.g. "tableImport".
	Operation string
	// TableID is the job's table, if any.
	TableID string
	// Code, Message and ExceptionID come from the job's error object.
	Code, Message, ExceptionID string
}

// Error formats the job failure with Keboola's message and exception id.
func (e *JobError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "storage job %d", e.JobID)
	if e.Operation != "" {
		fmt.Fprintf(&b, " (%s", e.Operation)
		if e.TableID != "" {
			fmt.Fprintf(&b, " %s", e.TableID)
		}
		b.WriteString(")")
	}
	b.WriteString(" failed: ")
	if e.Message != "" {
		b.WriteString(e.Message)
	} else {
		b.WriteString("no message")
	}
	var extra []string
	if e.Code != "" {
		extra = append(extra, "code "+e.Code)
	}
	if e.ExceptionID != "" {
		extra = append(extra, "exception id "+e.ExceptionID)
	}
	if len(extra) > 0 {
		b.WriteString(" (")
		b.WriteString(strings.Join(extra, ", "))
		b.WriteString(")")
	}
	return b.String()
}

// UserFault reports true: Storage rejected the job's input (the data or the
// table definition).
func (e *JobError) UserFault() bool { return true }

// ConnectError is a failure to reach the Storage API at all: the host does not
// resolve, refuses connections, or does not speak the Storage API.
type ConnectError struct {
	// URL is the configured Storage API URL.
	URL string
	// Reason is a short explanation.
	Reason string
	// Err is the underlying error, if any.
	Err error
}

// Error names the URL and what went wrong.
func (e *ConnectError) Error() string {
	msg := fmt.Sprintf("cannot use Keboola Storage API at %s: %s", e.URL, e.Reason)
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the underlying error.
func (e *ConnectError) Unwrap() error { return e.Err }

// UserFault reports true: the configured URL is wrong or unreachable.
func (e *ConnectError) UserFault() bool { return true }

// errorBody is the JSON error document of the Storage API.
type errorBody struct {
	Error       json.RawMessage `json:"error"`
	Message     string          `json:"message"`
	Code        FlexString      `json:"code"`
	ExceptionID string          `json:"exceptionId"`
	Status      string          `json:"status"`
	Reason      string          `json:"reason"`
	EndTime     string          `json:"estimatedEndTime"`
}

// newAPIError decodes an error response body into an APIError.
func newAPIError(method, path string, resp *http.Response, body []byte) *APIError {
	e := &APIError{Method: method, Path: path, StatusCode: resp.StatusCode}
	e.RetryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	var eb errorBody
	if json.Unmarshal(body, &eb) == nil {
		var msg string
		if len(eb.Error) > 0 && eb.Error[0] == '"' {
			_ = json.Unmarshal(eb.Error, &msg)
		}
		if msg == "" {
			msg = eb.Message
		}
		e.Message = msg
		e.Code = string(eb.Code)
		e.ExceptionID = eb.ExceptionID
		if resp.StatusCode == http.StatusServiceUnavailable && eb.Status == "maintenance" {
			e.Maintenance = true
			if e.Message == "" {
				e.Message = eb.Reason
			}
			if eb.EndTime != "" {
				e.Message = strings.TrimSpace(e.Message + " (estimated end " + eb.EndTime + ")")
			}
		}
	} else {
		text := strings.TrimSpace(string(body))
		if len(text) > 200 {
			text = text[:200] + "…"
		}
		if strings.HasPrefix(text, "<") {
			text = "non-JSON answer (" + resp.Header.Get("Content-Type") + ")"
		}
		e.Message = text
	}
	return e
}

// parseRetryAfter reads a Retry-After header given in seconds or as an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	var secs int64
	if _, err := fmt.Sscanf(v, "%d", &secs); err == nil && fmt.Sprint(secs) == v {
		if secs < 0 {
			return 0
		}
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

// isDNSNotFound reports whether err is a host name that does not resolve;
// retrying that is pointless.
func isDNSNotFound(err error) bool {
	var de *net.DNSError
	return errors.As(err, &de) && de.IsNotFound
}

// isDialError reports whether err happened while connecting, i.e. before any
// byte of the request reached the server.
func isDialError(err error) bool {
	var oe *net.OpError
	return errors.As(err, &oe) && oe.Op == "dial"
}
