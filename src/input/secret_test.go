package input

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
)

func TestMasker(t *testing.T) {
	m := NewMasker("abcd", "abcdef", "ab", "")
	if got := m.Mask("x abcdef y abcd z ab"); got != "x [hidden] y [hidden] z ab" {
		t.Errorf("Mask = %q", got)
	}
	m.Add("token-123456")
	if got := m.Mask("Bearer token-123456"); got != "Bearer [hidden]" {
		t.Errorf("after Add: %q", got)
	}
	var nilMasker *Masker
	if nilMasker.Mask("abcd") != "abcd" || NewMasker().Mask("abcd") != "abcd" {
		t.Error("an empty masker changed the text")
	}
	base := User(errors.New("token abcd rejected"))
	err := m.Error(fmt.Errorf("upload: %w", base))
	if err.Error() != "upload: token [hidden] rejected" || !errors.Is(err, base) || !IsUser(err) {
		t.Errorf("Error = %v (user %v)", err, IsUser(err))
	}
	plain := errors.New("nothing secret")
	if m.Error(plain) != plain || m.Error(nil) != nil {
		t.Error("Error wrapped an error without secrets")
	}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m.Add(fmt.Sprintf("secret-%d", i))
			_ = m.Mask("secret-1 abcd")
		}()
	}
	wg.Wait()
	if got := m.Mask("secret-7"); got != Hidden {
		t.Errorf("concurrent Add: %q", got)
	}
}

func TestSecrets(t *testing.T) {
	v, err := Parse([]byte(`{"#a": "s1", "b": {"#c": 12345, "#empty": "", "d": [{"#e": "s2"}], "#obj": {"x": "not a secret"}},
		"#f": "s3", "g": "visible"}`))
	if err != nil {
		t.Fatal(err)
	}
	got := Secrets(v)
	slices.Sort(got)
	if want := []string{"12345", "s1", "s2", "s3"}; !slices.Equal(got, want) {
		t.Errorf("Secrets = %q, want %q", got, want)
	}
	if Secrets(nil) != nil {
		t.Error("Secrets(nil)")
	}
}
