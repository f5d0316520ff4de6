// Package storage is a thin client for the Keboola Storage API: token
// verification, buckets, tables, file upload preparation, asynchronous jobs
// and metadata. It speaks JSON over net/http, retries only where that is
// safe, and never exposes the token in errors or logs.
package storage

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/sirupsen/logrus"

	"datagen/src/input"
)

// TokenHeader is the header that carries the Storage API token.
const TokenHeader = "X-StorageApi-Token"

// RetryPolicy bounds how a request is retried after a transient failure.
type RetryPolicy struct {
	// MaxAttempts is the total number of tries, including the first (>= 1).
	MaxAttempts int
	// InitialDelay is the wait before the first retry; it doubles each retry.
	InitialDelay time.Duration
	// MaxDelay caps a single wait (a longer Retry-After is still honoured
	// while it fits into MaxElapsed).
	MaxDelay time.Duration
	// MaxElapsed bounds the time spent on one request including all waits.
	MaxElapsed time.Duration
}

// DefaultRetryPolicy is used unless WithRetryPolicy says otherwise. It is
// at least as patient as the official PHP client (storage-api-php-client:
// 11 retries waiting 1, 2, 4, ... 1024 s, about 34 minutes), so a
// maintenance window of several minutes (503 with Retry-After) or a
// slow recovery of the API does not fail a long generation job: waits
// double from 1 s up to 60 s each, and one request is retried for up to
// 40 minutes in all.
var DefaultRetryPolicy = RetryPolicy{
	MaxAttempts:  100,
	InitialDelay: time.Second,
	MaxDelay:     time.Minute,
	MaxElapsed:   40 * time.Minute,
}

// PollPolicy bounds how an asynchronous job is awaited.
type PollPolicy struct {
	// InitialDelay is the first wait between polls; it doubles up to MaxDelay.
	InitialDelay time.Duration
	// MaxDelay caps the wait between two polls.
	MaxDelay time.Duration
	// Timeout is the overall deadline for one job.
	Timeout time.Duration
}

// DefaultPollPolicy is used unless WithPollPolicy says otherwise. Like the
// official clients (waits of min(2^n, 20) s, no overall limit) it waits
// for a queued import as long as it takes: the deadline of 12 hours is
// longer than any job of the component may run, so the job's own timeout
// decides.
var DefaultPollPolicy = PollPolicy{
	InitialDelay: time.Second,
	MaxDelay:     20 * time.Second,
	Timeout:      12 * time.Hour,
}

// Client calls one Storage API stack with one token. It is safe for
// concurrent use.
type Client struct {
	base      *url.URL
	token     string
	http      *http.Client
	retry     RetryPolicy
	poll      PollPolicy
	log       logrus.FieldLogger
	userAgent string
	runID     string
	// plainHTTP allows an http:// URL whose host is not a loopback address.
	plainHTTP bool
}

// Option configures a Client.
type Option func(*Client)

// WithHTTPClient sets the HTTP client (its redirect policy is replaced: the
// client never follows redirects, so the token cannot leak to another host).
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) {
		if hc != nil {
			clone := *hc
			c.http = &clone
		}
	}
}

// WithRetryPolicy sets the retry policy for individual requests.
func WithRetryPolicy(p RetryPolicy) Option { return func(c *Client) { c.retry = p } }

// WithPollPolicy sets how jobs are awaited.
func WithPollPolicy(p PollPolicy) Option { return func(c *Client) { c.poll = p } }

// WithLogger sets the logger for retries and job progress (debug level).
func WithLogger(l logrus.FieldLogger) Option {
	return func(c *Client) {
		if l != nil {
			c.log = l
		}
	}
}

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option { return func(c *Client) { c.userAgent = ua } }

// WithPlainHTTP allows an http:// Storage URL for any host. Without it
// plain HTTP is accepted only for loopback hosts (localhost, 127.0.0.0/8,
// ::1: test servers), so that the token never travels unencrypted.
func WithPlainHTTP() Option { return func(c *Client) { c.plainHTTP = true } }

// WithRunID sets the X-KBC-RunId header, which Storage records on files and jobs.
func WithRunID(id string) Option { return func(c *Client) { c.runID = id } }

// New returns a client for the Storage API at rawURL (e.g.
// "https://connection.keboola.com"; a missing scheme means https, a trailing
// "/v2/storage" is accepted) authenticated with token.
func New(rawURL, token string, opts ...Option) (*Client, error) {
	base, err := ParseURL(rawURL)
	if err != nil {
		return nil, err
	}
	token = strings.TrimSpace(token)
	if token == "" {
		return nil, errors.New("the Storage API token is empty")
	}
	c := &Client{
		base:      base,
		token:     token,
		http:      &http.Client{Timeout: 5 * time.Minute},
		retry:     DefaultRetryPolicy,
		poll:      DefaultPollPolicy,
		log:       logrus.StandardLogger(),
		userAgent: "datagen",
	}
	for _, o := range opts {
		o(c)
	}
	if base.Scheme == "http" && !c.plainHTTP && !isLoopback(base.Hostname()) {
		return nil, fmt.Errorf("the Storage API URL %q is plain http: the token would travel unencrypted; use https "+
			"(plain http is accepted only for localhost, or with --insecure-http)", rawURL)
	}
	c.http.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	if c.retry.MaxAttempts < 1 {
		c.retry.MaxAttempts = 1
	}
	return c, nil
}

// isLoopback reports whether host is localhost or a loopback address.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// ParseURL validates a Storage API URL and returns its base (scheme and host).
func ParseURL(rawURL string) (*url.URL, error) {
	s := strings.TrimSpace(rawURL)
	if s == "" {
		return nil, errors.New("the Storage API URL is empty")
	}
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("the Storage API URL %q: %w", rawURL, err)
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return nil, fmt.Errorf("the Storage API URL %q: scheme must be https", rawURL)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("the Storage API URL %q: no host", rawURL)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("the Storage API URL %q: give only scheme and host, e.g. https://connection.keboola.com", rawURL)
	}
	p := strings.TrimSuffix(u.Path, "/")
	if p != "" && p != "/v2/storage" && p != "/v2" {
		return nil, fmt.Errorf("the Storage API URL %q: unexpected path %q; give only scheme and host, e.g. https://connection.keboola.com", rawURL, u.Path)
	}
	return &url.URL{Scheme: u.Scheme, Host: u.Host}, nil
}

// URL returns the base URL of the stack, e.g. "https://connection.keboola.com".
func (c *Client) URL() string { return c.base.String() }

// Redact replaces every occurrence of the client's token in s (see
// input.Masker).
func (c *Client) Redact(s string) string {
	return input.NewMasker(c.token).Mask(s)
}

// safety says when a request may be sent again after a failure.
type safety int

const (
	// retrySafe: repeating the request has no extra effect (reads, overwrites,
	// creates that are reconciled): retry network errors, 408, 429 and 5xx but 501.
	retrySafe safety = iota
	// retryUnlessProcessed: repeating could apply the request twice: retry
	// only when the server certainly did not act on it (429, 503 maintenance,
	// connection refused).
	retryUnlessProcessed
)

// call is one Storage API request.
type call struct {
	method string
	path   string // below /v2/storage/, segments already escaped
	query  url.Values
	body   any
	out    any
	safety safety
	// transportAttempts, when > 0, caps the attempts while the request
	// fails below HTTP (no answer at all: connection refused, unknown
	// host, TLS): a wrong URL fails fast. Answers of a server (429, 5xx,
	// maintenance 503) keep the whole retry policy.
	transportAttempts int
	// reconcile runs before each retry; returning true ends the call as a
	// success without sending the request again.
	reconcile func(ctx context.Context) (bool, error)
}

// attempt outcome used by do.
type outcome struct {
	attempts   int
	reconciled bool
}

// do sends the call with retries and decodes the JSON answer into c.out.
func (c *Client) do(ctx context.Context, cl call) (outcome, error) {
	var payload []byte
	if cl.body != nil {
		b, err := json.Marshal(cl.body)
		if err != nil {
			return outcome{}, fmt.Errorf("encoding %s %s: %w", cl.method, cl.path, err)
		}
		payload = b
	}
	u := *c.base
	u.Path = "/v2/storage/" + strings.TrimPrefix(cl.path, "/")
	u.RawPath = u.Path
	if cl.query != nil {
		u.RawQuery = cl.query.Encode()
	}
	displayPath := u.Path
	start := time.Now()
	var res outcome
	for {
		res.attempts++
		err := c.once(ctx, cl, u.String(), displayPath, payload)
		if err == nil {
			return res, nil
		}
		if ctx.Err() != nil {
			return res, err
		}
		wait, retry := c.shouldRetry(cl.safety, err, res.attempts)
		if !retry {
			return res, err
		}
		maxAttempts := c.retry.MaxAttempts
		var te *transportError
		if cl.transportAttempts > 0 && cl.transportAttempts < maxAttempts && errors.As(err, &te) {
			maxAttempts = cl.transportAttempts
		}
		if res.attempts >= maxAttempts || time.Since(start)+wait > c.retry.MaxElapsed {
			return res, fmt.Errorf("giving up after %d attempts: %w", res.attempts, err)
		}
		c.log.WithFields(logrus.Fields{"request": cl.method + " " + displayPath, "attempt": res.attempts, "wait": wait.Round(time.Millisecond).String()}).
			Warnf("Storage API request failed, retrying: %v", err)
		if err := sleep(ctx, wait); err != nil {
			return res, err
		}
		if cl.reconcile != nil {
			done, rerr := cl.reconcile(ctx)
			if rerr != nil {
				return res, rerr
			}
			if done {
				res.reconciled = true
				return res, nil
			}
		}
	}
}

// once sends one attempt of the call.
func (c *Client) once(ctx context.Context, cl call, rawURL, displayPath string, payload []byte) error {
	var body io.Reader
	if payload != nil {
		body = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, cl.method, rawURL, body)
	if err != nil {
		return fmt.Errorf("%s %s: %w", cl.method, displayPath, err)
	}
	req.Header.Set(TokenHeader, c.token)
	req.Header.Set("Accept", "application/json")
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.userAgent != "" {
		req.Header.Set("User-Agent", c.userAgent)
	}
	if c.runID != "" {
		req.Header.Set("X-KBC-RunId", c.runID)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return &transportError{method: cl.method, path: displayPath, err: errors.New(c.Redact(err.Error())), cause: err}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return &transportError{method: cl.method, path: displayPath, err: errors.New(c.Redact(err.Error())), cause: err, afterSend: true}
	}
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		return &ConnectError{URL: c.URL(), Reason: fmt.Sprintf("%s %s was redirected to %q; set the URL to the Storage API host itself", cl.method, displayPath, resp.Header.Get("Location"))}
	}
	if resp.StatusCode >= 400 {
		ae := newAPIError(cl.method, displayPath, resp, data)
		ae.Message = c.Redact(ae.Message)
		return ae
	}
	if cl.out == nil {
		return nil
	}
	if err := json.Unmarshal(data, cl.out); err != nil {
		return &decodeError{method: cl.method, path: displayPath, contentType: resp.Header.Get("Content-Type"), err: err}
	}
	return nil
}

// transportError is a failure below HTTP: connection refused, reset, timeout.
type transportError struct {
	method, path string
	err          error // redacted message
	cause        error // original, for classification
	afterSend    bool
}

func (e *transportError) Error() string { return fmt.Sprintf("%s %s: %v", e.method, e.path, e.err) }

// Unwrap exposes the original error for errors.As (net.OpError etc.).
func (e *transportError) Unwrap() error { return e.cause }

// decodeError is a 2xx answer that is not the expected JSON.
type decodeError struct {
	method, path, contentType string
	err                       error
}

func (e *decodeError) Error() string {
	return fmt.Sprintf("%s %s: unexpected answer (%s): %v", e.method, e.path, e.contentType, e.err)
}

func (e *decodeError) Unwrap() error { return e.err }

// shouldRetry classifies err for a call of the given safety and returns the
// wait before the next attempt.
func (c *Client) shouldRetry(s safety, err error, attempt int) (time.Duration, bool) {
	backoff := c.backoff(attempt)
	var te *transportError
	if errors.As(err, &te) {
		if isDNSNotFound(te.cause) {
			return 0, false
		}
		if s == retryUnlessProcessed && (te.afterSend || !isDialError(te.cause)) {
			return 0, false
		}
		return backoff, true
	}
	var ae *APIError
	if !errors.As(err, &ae) {
		return 0, false
	}
	wait := backoff
	if ae.RetryAfter > wait {
		wait = ae.RetryAfter
	}
	switch code := ae.StatusCode; {
	case code == http.StatusTooManyRequests:
		return wait, true
	case code == http.StatusServiceUnavailable && (ae.Maintenance || s == retrySafe):
		return wait, true
	case s == retryUnlessProcessed:
		return 0, false
	case code == http.StatusRequestTimeout, code >= 500 && code != http.StatusNotImplemented:
		return wait, true
	}
	return 0, false
}

// backoff is the exponential delay before retry number attempt (1-based),
// with jitter in [50%, 100%].
func (c *Client) backoff(attempt int) time.Duration {
	d := c.retry.InitialDelay
	for i := 1; i < attempt && d < c.retry.MaxDelay; i++ {
		d *= 2
	}
	if d > c.retry.MaxDelay {
		d = c.retry.MaxDelay
	}
	if d <= 0 {
		return 0
	}
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}

// sleep waits for d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// seg escapes one path segment (bucket and table ids keep their dots).
func seg(s string) string { return url.PathEscape(s) }

// Host returns the host of the stack, e.g. "connection.keboola.com" (the
// platform's KBC_STACKID).
func (c *Client) Host() string { return c.base.Host }
