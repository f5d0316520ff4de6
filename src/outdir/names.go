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

// Name returns the name of part p: "part-00007-of-01000", K and N
// zero-padded to the same width (at least 5 digits), so that the names of
// a run's parts sort in part order.
func (p Part) Name() string {
	w := max(5, len(strconv.Itoa(p.N)))
	return fmt.Sprintf("part-%0*d-of-%0*d", w, p.K, w, p.N)
}

// ParsePartName reads a name written by Part.Name (without extension).
func ParsePartName(name string) (Part, bool) {
	m := partNameRE.FindStringSubmatch(name)
	if m == nil {
		return Part{}, false
	}
	k, err1 := strconv.Atoi(m[1])
	n, err2 := strconv.Atoi(m[2])
	if err1 != nil || err2 != nil || n < 2 || k >= n || len(m[1]) != len(m[2]) {
		return Part{}, false
	}
	return Part{K: k, N: n}, true
}

var partNameRE = regexp.MustCompile(`^part-(\d{5,})-of-(\d{5,})$`)

// Ext returns the file extension of a table format, without the dot:
// "csv", "csv.gz" or "parquet".
func Ext(format string, gzip bool) string {
	if format == CSV && gzip {
		return "csv.gz"
	}
	return format
}

// TableBase returns the path of table id's file, relative to the output
// folder and slash-separated, without its extension: <id>, or
// <id>/part-00007-of-01000 for a part of a split run, so that the parts of
// a table form one folder that query engines read as one table.
func TableBase(id string, p Part) string {
	if p.Whole() {
		return id
	}
	return id + "/" + p.Name()
}

// TableFile returns the path of table id's file relative to the output
// folder: <id>.<ext>, or <id>/part-00007-of-01000.<ext> for a part of a
// split run.
func TableFile(id, format string, gzip bool, p Part) string {
	return TableBase(id, p) + "." + Ext(format, gzip)
}

// MetadataFile returns the name of a run's metadata file: .metadata.json,
// or the part's manifest .metadata.part-00007-of-01000.json for a part.
func MetadataFile(p Part) string {
	if p.Whole() {
		return ".metadata.json"
	}
	return ".metadata." + p.Name() + ".json"
}

// IndexFile returns the name of the count index of a run split into
// parts parts (`datagen index`): .index-of-01000.json, zero-padded as
// part names are.
func IndexFile(parts int) string {
	name := Part{N: parts}.Name()
	return ".index-" + name[strings.Index(name, "of-"):] + ".json"
}

// partManifestRE matches the name of a part's manifest.
var partManifestRE = regexp.MustCompile(`^\.metadata\.(part-\d+-of-\d+)\.json$`)

// ParseMetadataFile reads the part of a manifest name written by
// MetadataFile; ok is false for any other name.
func ParseMetadataFile(name string) (Part, bool) {
	m := partManifestRE.FindStringSubmatch(name)
	if m == nil {
		return Part{}, false
	}
	return ParsePartName(m[1])
}

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

var (
	partRE     = regexp.MustCompile(`^(.+)\.part-(\d+)-of-(\d+)\.(csv|csv\.gz|parquet)$`)
	partFileRE = regexp.MustCompile(`^(part-\d+-of-\d+)\.(csv|csv\.gz|parquet)$`)
)

// FindFiles locates the files of tables ids in dir: <id>.parquet,
// <id>.csv or <id>.csv.gz, or the part files <id>/part-K-of-N.<ext> of a
// split run (or <id>.part-K-of-N.<ext>, as earlier versions named them).
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
	addPart := func(id, ext, path string, p Part) {
		if f := formatOf(ext); slices.Contains(formats, f) {
			c := get(id, f)
			c.parts[p.K] = path
			c.ns[p.N] = true
		}
	}
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		if e.IsDir() {
			if !want[name] {
				continue
			}
			// The folder of a split run's table: <id>/part-K-of-N.<ext>.
			sub, err := os.ReadDir(filepath.Join(dir, name))
			if err != nil {
				return nil, fmt.Errorf("reading data directory: %w", err)
			}
			for _, f := range sub {
				if m := partFileRE.FindStringSubmatch(f.Name()); m != nil && !f.IsDir() {
					if p, ok := ParsePartName(m[1]); ok {
						addPart(name, m[2], filepath.Join(dir, name, f.Name()), p)
					}
				}
			}
			continue
		}
		// Earlier versions named part files <id>.part-K-of-N.<ext>.
		if m := partRE.FindStringSubmatch(name); m != nil && want[m[1]] {
			k, _ := strconv.Atoi(m[2])
			n, _ := strconv.Atoi(m[3])
			addPart(m[1], m[4], filepath.Join(dir, name), Part{K: k, N: n})
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
				what := "parts " + strings.Join(missing, ", ") + " are"
				if len(missing) == 1 {
					what = "part " + missing[0] + " is"
				}
				tf.Problem = fmt.Sprintf("%s missing (of parts 0 to %d)", what, n-1)
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
