package outdir

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// The table file formats.
const (
	CSV     = "csv"
	Parquet = "parquet"
)

// Part names the share of a split run: part K (0-based) of N. N <= 1 is a
// whole run.
type Part struct{ K, N int }

// Whole reports whether p is an unsplit run.
func (p Part) Whole() bool { return p.N <= 1 }

// suffix is ".part-K-of-N", or "" for a whole run.
func (p Part) suffix() string {
	if p.Whole() {
		return ""
	}
	return fmt.Sprintf(".part-%d-of-%d", p.K, p.N)
}

// Ext returns the file extension of a table format, without the dot:
// "csv", "csv.gz" or "parquet".
func Ext(format string, gzip bool) string {
	if format == CSV && gzip {
		return "csv.gz"
	}
	return format
}

// TableBase returns the file name of table id without its extension:
// <id>, or <id>.part-K-of-N for a part of a split run.
func TableBase(id string, p Part) string { return id + p.suffix() }

// TableFile returns the file name of table id: <id>.<ext>, or
// <id>.part-K-of-N.<ext> for a part of a split run.
func TableFile(id, format string, gzip bool, p Part) string {
	return TableBase(id, p) + "." + Ext(format, gzip)
}

// MetadataFile returns the name of a run's metadata file:
// .metadata.json, or .metadata.part-K-of-N.json for a part.
func MetadataFile(p Part) string { return ".metadata" + p.suffix() + ".json" }

// ReportFile is the name of the validation report `generate --validate`
// writes into the output folder.
const ReportFile = "validation_report.json"

// TableFiles are the files that hold one table.
type TableFiles struct {
	Table  string
	Format string // CSV or Parquet
	// Paths are in part order: a single file, or part-0-of-N …
	// part-(N-1)-of-N.
	Paths []string
	// Problem explains missing or mismatched parts; Paths is then empty.
	Problem string
}

var partRE = regexp.MustCompile(`^(.+)\.part-(\d+)-of-(\d+)\.(csv|csv\.gz|parquet)$`)

// FindFiles locates the files of tables ids in dir: <id>.parquet,
// <id>.csv or <id>.csv.gz, or the part files <id>.part-K-of-N.<ext>.
// formats limits the formats looked for (none: both). When a table has
// files of both formats, the format named in dir/.metadata.json wins, else
// Parquet. Tables without files are absent from the map.
func FindFiles(dir string, ids []string, formats ...string) (map[string]*TableFiles, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("reading data directory: %w", err)
	}
	if len(formats) == 0 {
		formats = []string{Parquet, CSV}
	}
	preferred := ""
	if m, err := ReadMetadata(dir); err == nil {
		preferred = m.Format
	}
	type cand struct {
		single string
		parts  map[int]string
		ns     map[int]bool
	}
	found := map[string]map[string]*cand{} // id → format → files
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	get := func(id, format string) *cand {
		if found[id] == nil {
			found[id] = map[string]*cand{}
		}
		if found[id][format] == nil {
			found[id][format] = &cand{parts: map[int]string{}, ns: map[int]bool{}}
		}
		return found[id][format]
	}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || strings.HasPrefix(name, ".") {
			continue
		}
		if m := partRE.FindStringSubmatch(name); m != nil && want[m[1]] {
			if f := formatOf(m[4]); slices.Contains(formats, f) {
				k, _ := strconv.Atoi(m[2])
				n, _ := strconv.Atoi(m[3])
				c := get(m[1], f)
				c.parts[k] = filepath.Join(dir, name)
				c.ns[n] = true
			}
			continue
		}
		for _, ext := range []string{".parquet", ".csv.gz", ".csv"} {
			if id, ok := strings.CutSuffix(name, ext); ok && want[id] {
				if f := formatOf(ext[1:]); slices.Contains(formats, f) {
					get(id, f).single = filepath.Join(dir, name)
				}
				break
			}
		}
	}
	out := map[string]*TableFiles{}
	for _, id := range ids {
		fm := found[id]
		if fm == nil {
			continue
		}
		format := preferred
		if fm[format] == nil {
			format = Parquet
			if fm[format] == nil {
				format = CSV
			}
		}
		c := fm[format]
		tf := &TableFiles{Table: id, Format: format}
		switch {
		case c.single != "":
			tf.Paths = []string{c.single}
		case len(c.ns) > 1:
			var ns []string
			for n := range c.ns {
				ns = append(ns, strconv.Itoa(n))
			}
			slices.Sort(ns)
			tf.Problem = fmt.Sprintf("part files come from runs split into different numbers of parts (%s)", strings.Join(ns, ", "))
		case len(c.parts) > 0:
			n := 0
			for k := range c.ns {
				n = k
			}
			var missing []string
			for k := 0; k < n; k++ {
				if p, ok := c.parts[k]; ok {
					tf.Paths = append(tf.Paths, p)
				} else {
					missing = append(missing, strconv.Itoa(k))
				}
			}
			if len(missing) > 0 {
				tf.Problem = fmt.Sprintf("parts %s of %d are missing", strings.Join(missing, ", "), n)
				tf.Paths = nil
			}
		}
		out[id] = tf
	}
	return out, nil
}

func formatOf(ext string) string {
	if ext == Parquet {
		return Parquet
	}
	return CSV
}
