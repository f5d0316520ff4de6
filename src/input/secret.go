package input

import (
	"slices"
	"strings"
	"sync"
)

// Hidden replaces a secret in every message and log line.
const Hidden = "[hidden]"

// minSecretLen is the length below which a value is not masked: hiding
// every "t" or "12" would make the text unreadable and protect nothing.
const minSecretLen = 4

// Masker replaces known secret values (tokens, encrypted "#" parameters,
// cloud credentials) with Hidden. It is safe for concurrent use; a nil
// *Masker masks nothing.
type Masker struct {
	mu      sync.RWMutex
	secrets []string
	r       *strings.Replacer
}

// NewMasker returns a masker of secrets.
func NewMasker(secrets ...string) *Masker {
	m := &Masker{}
	m.Add(secrets...)
	return m
}

// Add registers more secrets. Values shorter than four bytes are ignored;
// longer secrets are replaced first, so a secret that contains another is
// hidden whole.
func (m *Masker) Add(secrets ...string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := len(m.secrets)
	for _, s := range secrets {
		if len(s) >= minSecretLen && !slices.Contains(m.secrets, s) {
			m.secrets = append(m.secrets, s)
		}
	}
	if len(m.secrets) == n {
		return
	}
	slices.SortStableFunc(m.secrets, func(a, b string) int { return len(b) - len(a) })
	pairs := make([]string, 0, 2*len(m.secrets))
	for _, s := range m.secrets {
		pairs = append(pairs, s, Hidden)
	}
	m.r = strings.NewReplacer(pairs...)
}

// Mask returns s with every secret replaced by Hidden.
func (m *Masker) Mask(s string) string {
	if m == nil {
		return s
	}
	m.mu.RLock()
	r := m.r
	m.mu.RUnlock()
	if r == nil {
		return s
	}
	return r.Replace(s)
}

// Error returns err with its message masked. The result wraps err, so
// errors.Is, errors.As and IsUser see the same chain.
func (m *Masker) Error(err error) error {
	if err == nil {
		return nil
	}
	msg := m.Mask(err.Error())
	if msg == err.Error() {
		return err
	}
	return &maskedError{msg: msg, err: err}
}

// maskedError carries a masked message over the original error.
type maskedError struct {
	msg string
	err error
}

func (e *maskedError) Error() string { return e.msg }
func (e *maskedError) Unwrap() error { return e.err }

// Secrets returns the values of every "#"-prefixed key anywhere in v, the
// keys whose values the platform encrypts (strings and numbers; empty
// strings are not secrets).
func Secrets(v *Value) []string {
	var acc []string
	var walk func(v *Value)
	walk = func(v *Value) {
		switch v.Kind {
		case ObjectKind:
			for _, m := range v.Obj {
				if !strings.HasPrefix(m.Key, "#") {
					walk(m.Val)
					continue
				}
				switch m.Val.Kind {
				case StringKind:
					if m.Val.Str != "" {
						acc = append(acc, m.Val.Str)
					}
				case NumberKind:
					acc = append(acc, m.Val.Num.String())
				}
			}
		case ArrayKind:
			for _, e := range v.Arr {
				walk(e)
			}
		}
	}
	if v != nil {
		walk(v)
	}
	return acc
}
