package input

import (
	"errors"
	"fmt"
	"io/fs"
	"testing"
)

type statusErr struct{ code int }

// listErr judges itself from all of its errors, like a list of failed
// tables.
type listErr []error

func (e listErr) Error() string   { return fmt.Sprint([]error(e)) }
func (e listErr) Unwrap() []error { return e }
func (e listErr) UserFault() bool {
	for _, x := range e {
		if !IsUser(x) {
			return false
		}
	}
	return len(e) > 0
}

func (e *statusErr) Error() string   { return fmt.Sprintf("status %d", e.code) }
func (e *statusErr) UserFault() bool { return e.code < 500 }

func TestIsUser(t *testing.T) {
	base := errors.New("bad seed")
	cases := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"plain", base, false},
		{"io", fs.ErrNotExist, false},
		{"wrapped", User(base), true},
		{"formatted", Userf("seed: %w", base), true},
		{"deep", fmt.Errorf("run: %w", fmt.Errorf("config: %w", User(base))), true},
		{"joined", errors.Join(base, User(base)), true},
		{"fault yes", fmt.Errorf("upload: %w", &statusErr{404}), true},
		{"fault no", fmt.Errorf("upload: %w", &statusErr{503}), false},
		{"user over fault", User(&statusErr{503}), true},
		{"list of user errors", fmt.Errorf("upload: %w", listErr{User(base), &statusErr{404}}), true},
		{"list with an application error", listErr{User(base), &statusErr{503}}, false},
		{"list with a plain error", listErr{User(base), base}, false},
	}
	for _, c := range cases {
		if got := IsUser(c.err); got != c.want {
			t.Errorf("%s: IsUser(%v) = %v, want %v", c.name, c.err, got, c.want)
		}
	}
}

func TestUser(t *testing.T) {
	if User(nil) != nil {
		t.Fatal("User(nil) is not nil")
	}
	base := errors.New("x")
	u := User(base)
	if u.Error() != "x" || !errors.Is(u, base) {
		t.Fatalf("User(x) = %v", u)
	}
	if User(u) != u {
		t.Error("User wrapped a user error twice")
	}
	w := fmt.Errorf("ctx: %w", u)
	if User(w) != w {
		t.Error("User wrapped a wrapped user error again")
	}
	// An error that judges itself not the user's fault is marked.
	mixed := listErr{u, &statusErr{503}}
	if IsUser(mixed) || !IsUser(User(mixed)) {
		t.Error("User did not mark an application error as the user's")
	}
	if got := Userf("n=%d: %w", 3, base); got.Error() != "n=3: x" || !errors.Is(got, base) {
		t.Errorf("Userf = %v", got)
	}
}
