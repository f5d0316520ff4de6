package expr

import (
	"errors"
	"strings"
	"testing"

	"datagen/src/column"
)

func TestCompileErrors(t *testing.T) {
	cols := types(fixture())
	cols["unit_price"] = F
	cols["quantity"] = I
	tests := []struct{ code, want string }{
		// names
		{"unit_prise * quantity", `1:1: unknown column "unit_prise" (did you mean "unit_price"?)`},
		{"quantity * unit_prise", `1:12: unknown column "unit_prise" (did you mean "unit_price"?)`},
		{"Quantity + 1", `1:1: unknown column "Quantity" (did you mean "quantity"?)`},
		{"unit_price * xyzzy", `1:14: unknown column "xyzzy"`},
		{"`unit prise` * 2", "1:1: unknown column `unit prise` (did you mean `unit price`?)"},
		{"n +\n  foo", `2:3: unknown column "foo"`},
		{"lg(n)", `1:1: unknown function lg (did you mean "log"?)`},
		{"sqrtt(n)", `1:1: unknown function sqrtt (did you mean "sqrt"?)`},
		{"f(1)", `1:1: "f" is a column, not a function`},
		{"sqrt + 1", `1:1: sqrt is a function; call it with arguments: sqrt(...)`},
		// syntax
		{"n +", `1:4: unexpected end of expression, expected a value`},
		{"n + * 2", `1:5: unexpected '*', expected a value`},
		{"(n + 1", `1:7: unexpected end of expression, expected ')'`},
		{"n + 1)", `1:6: unexpected ')', expected end of expression`},
		{"'abc", `1:1: unterminated string`},
		{`'a\qb'`, `1:3: unknown escape \q in string`},
		{"`unit price", "1:1: unterminated `quoted` column name"},
		{"unit price", "1:6: unexpected name price; write a column name with spaces in backticks: `unit price`"},
		{"2 price", `1:3: unexpected name price, expected an operator`},
		{"n.round(1)", `1:2: attribute and method access (x.y) is not supported; use functions such as round(x, 1)`},
		{"n[0]", `1:2: indexing (x[i]) is not supported`},
		{"@x + 1", `1:1: '@' references are not supported; refer to columns by name`},
		{"n = 2", `1:3: unexpected '=': use == to compare`},
		{"n if c else j", `1:3: conditional expressions (a if c else b) are not supported; use if(c, a, b)`},
		{"if c", `1:1: if needs arguments: if(condition, then, else)`},
		{"n ^ 2", `1:3: '^' is not supported: use ** for powers, != for exclusive or`},
		{"c && b", `1:3: "&&" is not supported: use and, or, not`},
		{"n is None", `1:3: 'is' is not supported; use isnull(x) or notnull(x)`},
		{"n $ 2", `1:3: unexpected character "$"`},
		{"99999999999999999999", `1:1: integer 99999999999999999999 is out of range (write 99999999999999999999.0 for a float)`},
		{"1.2.3", `1:1: malformed number "1.2."`},
		{"1e", `1:1: malformed number "1e"`},
		{"2x", `1:1: malformed number "2x"`},
		{"   ", `1:1: empty expression`},
		{"[1, 2]", `1:1: list literals are only allowed after 'in'`},
		{"(1, 2)", `1:1: tuples are only allowed after 'in'`},
		{"n in j", `1:6: 'in' needs a list of values, e.g. x in [1, 2, 3]`},
		{"n in [1] == c", `1:10: a list cannot be compared; put the comparison in parentheses`},
		{"n in [j]", `1:7: the values after 'in' must be literals`},
		{"s in [1]", `1:7: cannot look for a string among int values`},
		{"d in ['someday']", `1:7: "someday" is not a date or timestamp`},
		{"not and", `1:5: unexpected name and, expected a value`},
		// types
		{"s + n", `1:3: operator '+' cannot be applied to string and int; use concat(a, b) to join values as text`},
		{"s * 2", `1:3: operator '*' cannot be applied to string and int`},
		{"ts + 3", `1:4: operator '+' cannot be applied to datetime and int; add or subtract a duration such as days(3) or hours(2)`},
		{"c + 1", `1:3: operator '+' cannot be applied to bool and int; use if(cond, 1, 0) to turn a bool into a number`},
		{"ts + ts", `1:4: operator '+' cannot be applied to datetime and datetime`},
		{"ts - ts2", `1:1: the result is a duration; convert it with total_days(), total_hours(), total_minutes() or total_seconds()`},
		{"null", `1:1: the result is always null`},
		{"n + null", `1:3: null cannot be used with '+'; use if() or coalesce() to choose a value`},
		{"n == null", `1:3: comparing with null gives null; use isnull(x) or notnull(x)`},
		{"not n", `1:1: 'not' needs a bool operand, got int; compare explicitly, e.g. not (x > 0)`},
		{"-s", `1:1: operator '-' cannot be applied to string`},
		{"~f", `1:1: operator '~' cannot be applied to float`},
		{"n and c", `1:3: 'and' needs bool operands, got int and bool; use comparisons, e.g. (a > 0) and (b > 0)`},
		{"n < s", `1:3: cannot compare int with string`},
		{"c < b", `1:3: bools can only be compared with == and !=`},
		{"c == 1", `1:3: cannot compare bool with int`},
		{"d > 'yesterday'", `1:3: "yesterday" is not a date or timestamp (use 2024-01-31 or 2024-01-31T12:00:00Z)`},
		{"sqrt(s)", `1:6: sqrt() needs a number, got string`},
		{"sqrt(n, 2)", `1:1: sqrt() takes 1 argument, got 2`},
		{"arctan2(n)", `1:1: arctan2() takes 2 arguments, got 1`},
		{"round(f, 1, 2)", `1:1: round() takes 1 to 2 arguments, got 3`},
		{"round(f, n)", `1:10: round(): argument 2 must be an integer literal`},
		{"round(f, 40)", `1:10: round(): argument 2 must be between -18 and 18`},
		{"round(s)", `1:7: round() needs a number, got string`},
		{"min(n)", `1:1: min() takes at least 2 arguments, got 1`},
		{"max(c, b)", `1:5: max() cannot compare bool values`},
		{"min(n, s)", `1:1: min(): values of different types (int and string)`},
		{"if(n, 1, 2)", `1:4: if(): the condition must be a bool, got int`},
		{"if(c, 1, 'a')", `1:1: if(): values of different types (int and string)`},
		{"if(c, null, null)", `1:1: if(): every value is null`},
		{"if(c, 1)", `1:1: if() takes 3 arguments, got 2`},
		{"coalesce()", `1:1: coalesce() takes at least 1 arguments, got 0`},
		{"concat(s, days(1))", `1:11: concat() cannot format a duration`},
		{"len(n)", `1:5: len() needs a string, got int`},
		{"isnull(null)", `1:8: isnull(null) is constant`},
		{"int(s)", `1:5: int() needs a number or bool, got string`},
		{"year(n)", `1:6: year() needs a date or datetime, got int`},
		{"year('soon')", `1:6: "soon" is not a date or timestamp (use 2024-01-31 or 2024-01-31T12:00:00Z)`},
		{"days(s)", `1:6: days() needs a number, got string`},
		{"total_days(n)", `1:12: total_days() needs a duration (such as b - a for datetimes), got int`},
		{"days_between(d, n)", `1:17: days_between() needs a date or datetime, got int`},
	}
	for _, tc := range tests {
		_, err := Compile(tc.code, cols)
		if err == nil {
			t.Errorf("Compile(%q): no error, want %s", tc.code, tc.want)
			continue
		}
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("Compile(%q): error %T is not *Error", tc.code, err)
		}
		if err.Error() != tc.want {
			t.Errorf("Compile(%q):\n got %s\nwant %s", tc.code, err, tc.want)
		}
	}
}

func TestLimits(t *testing.T) {
	cols := map[string]column.Type{"a": I}
	deep := strings.Repeat("(", 500) + "a" + strings.Repeat(")", 500)
	if _, err := Compile(deep, cols); err == nil || !strings.Contains(err.Error(), "nested too deeply") {
		t.Errorf("deep nesting: %v", err)
	}
	neg := strings.Repeat("-", 500) + "a"
	if _, err := Compile(neg, cols); err == nil || !strings.Contains(err.Error(), "nested too deeply") {
		t.Errorf("deep unary: %v", err)
	}
	long := "a" + strings.Repeat("+a", 3000)
	if _, err := Compile(long, cols); err == nil || !strings.Contains(err.Error(), "too large") {
		t.Errorf("many nodes: %v", err)
	}
	huge := strings.Repeat(" ", maxCodeLen) + "a"
	if _, err := Compile(huge, cols); err == nil || !strings.Contains(err.Error(), "too long") {
		t.Errorf("long code: %v", err)
	}
	// Within the limits: 90 levels of parentheses and 600 terms compile.
	ok := strings.Repeat("(", 90) + "a" + strings.Repeat(")", 90) + strings.Repeat(" + a", 600)
	if _, err := Compile(ok, cols); err != nil {
		t.Errorf("within limits: %v", err)
	}
}

func TestCheck(t *testing.T) {
	cols := []string{"unit_price", "quantity", "status", "created at"}
	tests := []struct{ code, want string }{
		{"unit_price * quantity", ""},
		{"status == 'x' and `created at` > '2024-01-01'", ""},
		{"status * 2", ""}, // types are not known to Check
		{"sqrt(quantity) in [1, 2]", ""},
		{"unit_price * quantiy", `1:14: unknown column "quantiy" (did you mean "quantity"?)`},
		{"sqrt(quantity, 2)", `1:1: sqrt() takes 1 argument, got 2`},
		{"sqroot(quantity)", `1:1: unknown function sqroot (did you mean "sqrt"?)`},
		{"status(1)", `1:1: "status" is a column, not a function`},
		{"quantity in unit_price", `1:13: 'in' needs a list of values, e.g. x in [1, 2, 3]`},
		{"quantity in [1] < 3", `1:13: list literals are only allowed as the last operand of 'in'`},
		{"quantity +", `1:11: unexpected end of expression, expected a value`},
		{"max + 1", `1:1: max is a function; call it with arguments: max(...)`},
	}
	for _, tc := range tests {
		err := Check(tc.code, cols)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tc.want {
			t.Errorf("Check(%q):\n got %q\nwant %q", tc.code, got, tc.want)
		}
	}
}

func TestSuggest(t *testing.T) {
	names := []string{"customer_id", "order_date", "amount", "id"}
	tests := []struct{ name, want string }{
		{"customr_id", "customer_id"},
		{"ORDER_DATE", "order_date"},
		{"amont", "amount"},
		{"ix", "id"},
		{"zzzzzz", ""},
		{"xy", ""},
	}
	for _, tc := range tests {
		if got := suggest(tc.name, names); got != tc.want {
			t.Errorf("suggest(%q) = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestColumns(t *testing.T) {
	cases := []struct {
		code string
		want string
	}{
		{"unit_price * quantity", "quantity,unit_price"},
		{"if(status == 'paid amount', `net amount` + fee, 0)", "fee,net amount,status"},
		{"round(x, 2) + x", "x"},
		{"concat('a', 'b')", ""},
	}
	for _, c := range cases {
		got, err := Columns(c.code)
		if err != nil {
			t.Fatalf("%s: %v", c.code, err)
		}
		if strings.Join(got, ",") != c.want {
			t.Errorf("Columns(%q) = %v, want %s", c.code, got, c.want)
		}
	}
	if _, err := Columns("a +"); err == nil {
		t.Error("a syntax error was not reported")
	}
}
