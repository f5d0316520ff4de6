package modify

import (
	"reflect"
	"testing"

	"datagen/src/column"
	"datagen/src/dsl"
)

func TestMapValues(t *testing.T) {
	tests := []struct {
		name     string
		mapping  []dsl.MapEntry
		in       *column.Vector
		wantType column.Type
		want     any   // []string, []int64, []float64 or []bool
		nulls    []int // rows expected null
	}{
		{"single pass, no chaining", mp("A", "B", "B", "C"), strVec("A", "B", "C"),
			column.String, []string{"B", "C", "C"}, nil},
		{"no truncation", mp("A", "Active", "B", "Blocked"), strVec("A", "B", "C"),
			column.String, []string{"Active", "Blocked", "C"}, nil},
		{"numbers into strings render canonically", mp("x", 3.0, "y", 0.5, "z", true), strVec("x", "y", "z"),
			column.String, []string{"3", "0.5", "true"}, nil},
		{"int keys, int targets stay int", mp("1", 10.0, "2", 20.0), intVec(1, 2, 3),
			column.Int, []int64{10, 20, 3}, nil},
		{"int key spellings", mp("+4", 40.0, "5.0", 50.0, "6e0", 60.0), intVec(4, 5, 6),
			column.Int, []int64{40, 50, 60}, nil},
		{"int with fractional target becomes float", mp("1", 1.5), intVec(1, 2),
			column.Float, []float64{1.5, 2}, nil},
		{"int with string target becomes string", mp("1", "one"), intVec(1, 2, -3),
			column.String, []string{"one", "2", "-3"}, nil},
		{"float keys by value", mp("0.1", 1.0, "2", 20.0), floatVec(0.1, 2, 3.25),
			column.Float, []float64{1, 20, 3.25}, nil},
		{"float mixed becomes string", mp("2", "two"), floatVec(2, 3.25, 1e21, 1e-8),
			column.String, []string{"two", "3.25", "1e+21", "1e-08"}, nil},
		{"bool to bool", mp("true", false), boolVec(true, false),
			column.Bool, []bool{false, false}, nil},
		{"bool to string", mp("true", "yes"), boolVec(true, false),
			column.String, []string{"yes", "false"}, nil},
		{"null target makes null", mp("B", nil), strVec("A", "B"),
			column.String, []string{"A", ""}, []int{1}},
		{"null input untouched", mp("0", 9.0), withNull(intVec(5, 0), 1),
			column.Int, []int64{5, 0}, []int{1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := dsl.Modifier{Transform: dsl.TMapValues, MapValues: &dsl.MapValuesArgs{Mapping: tt.mapping}}
			in := tt.in.Type
			mod := mustCompile(t, m, testEnv(in))
			if got := mod.OutType(in); got != tt.wantType {
				t.Errorf("OutType = %s, want %s", got, tt.wantType)
			}
			mustApply(t, mod, tt.in, newCtx(0, tt.in.Len(), int64(tt.in.Len()), nil))
			if tt.in.Type != tt.wantType {
				t.Fatalf("type %s, want %s", tt.in.Type, tt.wantType)
			}
			var got any
			switch tt.wantType {
			case column.String:
				got = tt.in.Strs
			case column.Int:
				got = tt.in.Ints
			case column.Float:
				got = tt.in.Floats
			case column.Bool:
				got = tt.in.Bools
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
			for i := 0; i < tt.in.Len(); i++ {
				wantNull := false
				for _, r := range tt.nulls {
					wantNull = wantNull || r == i
				}
				if tt.in.IsNull(i) != wantNull {
					t.Errorf("row %d null = %v, want %v", i, tt.in.IsNull(i), wantNull)
				}
			}
		})
	}
}

func TestFormatFloat(t *testing.T) {
	for x, want := range map[float64]string{
		2: "2", -0.5: "-0.5", 0.1: "0.1", 1e20: "100000000000000000000", 1e21: "1e+21",
		1e-7: "0.0000001", 1.5e-8: "1.5e-08", 0: "0", 0.30000000000000004: "0.30000000000000004",
	} {
		if got := formatFloat(x); got != want {
			t.Errorf("formatFloat(%g) = %q, want %q", x, got, want)
		}
	}
}

// mp builds a mapping from alternating keys and values.
func mp(kv ...any) []dsl.MapEntry {
	out := make([]dsl.MapEntry, 0, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		out = append(out, dsl.MapEntry{From: kv[i].(string), To: kv[i+1]})
	}
	return out
}
