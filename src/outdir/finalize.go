package outdir

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"sort"
	"strings"
	"time"

	"datagen/src/civil"
	"datagen/src/input"
	"datagen/src/objstore"
)

// FinalizeOptions tune Finalize.
type FinalizeOptions struct {
	// Verify reads every file and compares its SHA-256 with its part's
	// manifest (otherwise only presence and sizes are checked).
	Verify bool
	// Now is the time the age of a commit journal is measured at (zero:
	// the clock's).
	Now time.Time
	// Log, when set, receives one line for each commit journal of
	// another split (another number of parts than the run's) that was
	// rolled back or left alone: not a problem of this run.
	Log func(line string)
}

// Finalize checks that folder holds every part of one split run, and
// consistent ones (the same schema hash, seed, format version, format,
// scale, time window and number of parts; every file a manifest lists present with its
// size; no stray part files of another run in the tables' folders; each
// table's rows adding up to the table's when the run has no window and
// the table no history), then writes the dataset's .metadata.json with
// the totals and every file, and returns it. Problems are user errors
// naming the part and the file; all are reported at once, and an earlier
// .metadata.json is removed (a folder with one is complete).
//
// First it recovers the journals that commits into object storage left
// (see JournalFile): a commit that had finished is rolled forward, one
// interrupted at least JournalGrace ago is rolled back (its part is then
// missing, and the problems say why), a younger one is a problem (it may
// be in progress). A journal of a part of another split than the run's
// is not a problem: it is told to Log.
func Finalize(ctx context.Context, folder Folder, o FinalizeOptions) (*Metadata, error) {
	entries, recs, err := recoverJournals(ctx, folder, o)
	if err != nil {
		return nil, err
	}
	var problems []string
	sizes := map[string]int64{}
	var found []Entry
	counts := map[int]int{}
	for _, e := range entries {
		sizes[e.Path] = e.Size
		if p, ok := ParseMetadataFile(e.Path); ok {
			found = append(found, e)
			counts[p.N]++
		}
	}
	// The run is split into the number of parts most manifests hold; a
	// manifest of another split is named alone, with the files it lists.
	n := runParts(counts)
	for _, r := range recs {
		if n == 0 || r.Part.N == n {
			problems = append(problems, r.String())
		} else if o.Log != nil {
			o.Log(fmt.Sprintf("%s (a run split into %d parts; this run has %d)", r, r.Part.N, n))
		}
	}
	manifests := map[int]*Metadata{}
	names := map[int]string{}
	stray := map[string]bool{} // files a manifest of another split lists
	for _, e := range found {
		p, _ := ParseMetadataFile(e.Path)
		if p.N != n {
			msg := fmt.Sprintf("%s is a part of a run split into %d parts; this run has %d: remove it", e.Path, p.N, n)
			if m, err := readManifest(ctx, folder, e.Path); err == nil {
				files := 0
				for _, f := range m.Files {
					if _, ok := sizes[f.Path]; ok && !stray[f.Path] {
						stray[f.Path] = true
						files++
					}
				}
				if files > 0 {
					msg += fmt.Sprintf(" and the %d files it lists", files)
				}
			}
			problems = append(problems, msg)
			continue
		}
		m, err := readManifest(ctx, folder, e.Path)
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		if m.Parts != p.N || m.Part == nil || *m.Part != p.K {
			k := "no part"
			if m.Part != nil {
				k = fmt.Sprintf("part %d", *m.Part)
			}
			problems = append(problems, fmt.Sprintf("%s: the manifest says %s of %d", e.Path, k, m.Parts))
			continue
		}
		manifests[p.K], names[p.K] = m, e.Path
	}
	if n == 0 && len(problems) == 0 {
		return nil, input.User(fmt.Errorf("%s holds no part manifests (.metadata.part-K-of-N.json): it is not the output of `datagen generate --parts N`", folder))
	}
	var missing []int
	for k := range n {
		if manifests[k] == nil {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		problems = append(problems, fmt.Sprintf("%d of %d parts are missing: %s", len(missing), n, partRanges(missing, n)))
	}
	ref := -1
	for k := range n {
		if manifests[k] != nil {
			ref = k
			break
		}
	}
	if ref < 0 {
		return nil, refuse(ctx, folder, sizes, problems)
	}
	first := manifests[ref]
	listed := map[string]bool{}
	for k := range n {
		m := manifests[k]
		if m == nil {
			continue
		}
		if k != ref {
			problems = append(problems, mismatches(names[k], m, names[ref], first)...)
		}
		for _, f := range m.Files {
			listed[f.Path] = true
			size, ok := sizes[f.Path]
			switch {
			case !ok:
				problems = append(problems, fmt.Sprintf("part %d: %s is missing", k, f.Path))
			case size != f.Bytes:
				problems = append(problems, fmt.Sprintf("part %d: %s has %d bytes, its manifest %s says %d", k, f.Path, size, names[k], f.Bytes))
			case o.Verify:
				if err := verify(ctx, folder, f); err != nil {
					problems = append(problems, fmt.Sprintf("part %d: %v", k, err))
				}
			}
		}
	}
	// Files in the tables' folders that no part lists come from another
	// run (split differently, or with another format): a query engine
	// reading the folder would read them too.
	// The components of a GCS upload that a killed part left are hidden
	// objects that query engines skip; the part's next commit deletes
	// them.
	for _, e := range entries {
		dir, file, ok := strings.Cut(e.Path, "/")
		if !ok || first.Tables[dir].Kind == "" || listed[e.Path] || stray[e.Path] || objstore.IsComponent(e.Path) {
			continue
		}
		if p, ok := partOfFile(file); ok && p.N == n && manifests[p.K] == nil {
			// A file of a part whose manifest is missing (reported above).
			problems = append(problems, fmt.Sprintf("%s: its part's manifest is missing", e.Path))
			continue
		}
		problems = append(problems, fmt.Sprintf("%s belongs to no part of this run", e.Path))
	}
	if len(problems) > 0 {
		return nil, refuse(ctx, folder, sizes, problems)
	}
	total := merge(first, manifests, n)
	for id, t := range total.Tables {
		// A run without a window writes every row of a table once, split
		// among the parts; a window writes only its rows, and a table with
		// history writes versions or events, more rows than entities:
		// there the parts' rows are the total.
		if total.Window == nil && t.History == "" && t.Written != t.Rows {
			problems = append(problems, fmt.Sprintf("table %q: the parts wrote %d rows, the table has %d", id, t.Written, t.Rows))
		}
	}
	if len(problems) > 0 {
		return nil, refuse(ctx, folder, sizes, problems)
	}
	b, err := total.Marshal()
	if err != nil {
		return nil, err
	}
	if err := folder.WriteFile(ctx, MetadataFile(Part{}), b); err != nil {
		return nil, fmt.Errorf("writing %s: %w", MetadataFile(Part{}), err)
	}
	return total, nil
}

// runParts returns the number of parts of the run in a folder whose part
// manifests hold counts[N] manifests of each N: the N most manifests hold
// and, among as many, first one whose parts are all there, then the
// larger N. It is 0 without manifests.
func runParts(counts map[int]int) int {
	n := 0
	better := func(a, b int) bool { // whether N a beats N b
		if counts[a] != counts[b] {
			return counts[a] > counts[b]
		}
		if ca, cb := counts[a] == a, counts[b] == b; ca != cb {
			return ca
		}
		return a > b
	}
	for k := range counts {
		if n == 0 || better(k, n) {
			n = k
		}
	}
	return n
}

// partOfFile reads the part of a table file name written by TableFile
// ("part-00002-of-00004.csv").
func partOfFile(name string) (Part, bool) {
	m := partFileRE.FindStringSubmatch(name)
	if m == nil {
		return Part{}, false
	}
	return ParsePartName(m[1])
}

// recoverJournals lists the folder, recovers every commit journal in it
// and lists it again when a recovery changed it. It returns the listing
// and the journals rolled back or left alone.
func recoverJournals(ctx context.Context, folder Folder, o FinalizeOptions) ([]Entry, []Recovery, error) {
	entries, err := folder.List(ctx)
	if err != nil {
		return nil, nil, err
	}
	now := o.Now
	if now.IsZero() {
		now = time.Now()
	}
	var recs, young []Recovery
	changed := false
	for _, e := range entries {
		if _, ok := ParseJournalFile(e.Path); !ok {
			continue
		}
		rec, err := recoverJournal(ctx, folder, e.Path, now, e.Modified, JournalGrace)
		if err != nil {
			return nil, nil, err
		}
		if rec == nil {
			continue
		}
		changed = changed || !rec.Young
		if rec.Young {
			young = append(young, *rec)
		}
		if !rec.Forward {
			recs = append(recs, *rec)
		}
	}
	swept, err := sweepComponents(ctx, folder, entries, young, now, JournalGrace)
	if err != nil {
		return nil, nil, err
	}
	if changed || swept > 0 {
		if entries, err = folder.List(ctx); err != nil {
			return nil, nil, err
		}
	}
	return entries, recs, nil
}

// refuse lists the problems as one user error. An earlier finalize's
// .metadata.json says the folder holds a complete run, which it no longer
// does: it is removed, and the error says so.
func refuse(ctx context.Context, folder Folder, sizes map[string]int64, problems []string) error {
	shown := problems
	if len(shown) > maxProblems {
		shown = append(shown[:maxProblems:maxProblems], fmt.Sprintf("and %d more", len(problems)-maxProblems))
	}
	msg := fmt.Sprintf("%s is not a complete split run (%d problem(s)):\n  %s", folder, len(problems), strings.Join(shown, "\n  "))
	meta := MetadataFile(Part{})
	if _, ok := sizes[meta]; ok {
		if err := folder.Remove(ctx, meta); err != nil {
			msg += fmt.Sprintf("\nthe %s of an earlier finalize is still there and no longer true: removing it failed: %v", meta, err)
		} else {
			msg += fmt.Sprintf("\nremoved the %s of an earlier finalize: the run is no longer complete", meta)
		}
	}
	return input.User(errors.New(msg))
}

// maxProblems is the number of problems finalize lists; the others are
// counted.
const maxProblems = 20

// maxRanges is the number of ranges of missing parts finalize names.
const maxRanges = 10

// partRanges names the parts ks (increasing) of a run of n parts as
// ranges of consecutive parts with their manifests' names: "part 3
// (.metadata.part-00003-of-01000.json), parts 5 to 998
// (.metadata.part-00005-of-01000.json to ...)", at most maxRanges of
// them, then how many more.
func partRanges(ks []int, n int) string {
	var out []string
	for i := 0; i < len(ks); {
		j := i
		for j+1 < len(ks) && ks[j+1] == ks[j]+1 {
			j++
		}
		a, b := ks[i], ks[j]
		if a == b {
			out = append(out, fmt.Sprintf("part %d (%s)", a, MetadataFile(Part{K: a, N: n})))
		} else {
			out = append(out, fmt.Sprintf("parts %d to %d (%s to %s)", a, b, MetadataFile(Part{K: a, N: n}), MetadataFile(Part{K: b, N: n})))
		}
		i = j + 1
	}
	if len(out) > maxRanges {
		out = append(out[:maxRanges:maxRanges], fmt.Sprintf("and %d more ranges", len(out)-maxRanges))
	}
	return strings.Join(out, ", ")
}

// readManifest reads and decodes a part's manifest.
func readManifest(ctx context.Context, folder Folder, rel string) (*Metadata, error) {
	var m Metadata
	if err := ReadJSON(ctx, folder, rel, "a part manifest", &m); err != nil {
		return nil, err
	}
	return &m, nil
}

// MalformedError is a file that does not decode as what it should be.
type MalformedError struct {
	// Rel is the file, What what it should be ("a part manifest").
	Rel, What string
	Err       error
}

func (e *MalformedError) Error() string { return fmt.Sprintf("%s: not %s: %v", e.Rel, e.What, e.Err) }

func (e *MalformedError) Unwrap() error { return e.Err }

// ReadJSON reads file rel of folder and decodes it into v; a file that
// does not decode is a *MalformedError saying that rel is not what ("a
// part manifest"). An error opening the file is returned as it is, so
// that errors.Is finds fs.ErrNotExist or objstore.ErrNotFound.
func ReadJSON(ctx context.Context, folder Folder, rel, what string, v any) error {
	r, err := folder.Open(ctx, rel)
	if err != nil {
		return err
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("reading %s: %w", rel, err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return &MalformedError{Rel: rel, What: what, Err: err}
	}
	return nil
}

// mismatches compares what must be equal in all parts of one run.
func mismatches(name string, m *Metadata, refName string, ref *Metadata) []string {
	var out []string
	diff := func(what string, a, b any) {
		if a != b {
			out = append(out, fmt.Sprintf("%s has %s %v, %s has %v", name, what, a, refName, b))
		}
	}
	diff("schema_hash", m.SchemaHash, ref.SchemaHash)
	diff("seed", m.Seed, ref.Seed)
	diff("format_version", m.FormatVersion, ref.FormatVersion)
	diff("format", m.Format, ref.Format)
	diff("scale", m.Scale, ref.Scale)
	diff("dry_run_sample", m.SampleRows, ref.SampleRows)
	if a, b := m.Window.String(), ref.Window.String(); a != b {
		out = append(out, fmt.Sprintf("%s has the window %s, %s has %s: the parts of one run need the same --from and --until (a run of an open timeline without --until ends when it starts)", name, a, refName, b))
	}
	if len(out) == 0 {
		var a, b []string
		for id := range m.Tables {
			a = append(a, id)
		}
		for id := range ref.Tables {
			b = append(b, id)
		}
		sort.Strings(a)
		sort.Strings(b)
		if !slices.Equal(a, b) {
			out = append(out, fmt.Sprintf("%s has tables [%s], %s has [%s]", name, strings.Join(a, ", "), refName, strings.Join(b, ", ")))
		}
	}
	return out
}

// verify compares a file's SHA-256 with its manifest.
func verify(ctx context.Context, folder Folder, f FileInfo) error {
	r, err := folder.Open(ctx, f.Path)
	if err != nil {
		return fmt.Errorf("%s: %w", f.Path, err)
	}
	defer r.Close()
	_, sum, err := hashReader(r)
	if err != nil {
		return fmt.Errorf("%s: %w", f.Path, err)
	}
	if sum != f.SHA256 {
		return fmt.Errorf("%s: SHA-256 %s, its manifest says %s", f.Path, sum, f.SHA256)
	}
	return nil
}

// merge sums the parts' manifests into the dataset's metadata.
func merge(first *Metadata, parts map[int]*Metadata, n int) *Metadata {
	total := *first
	total.Part, total.Parts = nil, n
	total.Seconds = 0
	total.Tables = map[string]TableMetadata{}
	total.Files = nil
	var latest time.Time
	for k := range n {
		m := parts[k]
		total.Seconds += m.Seconds
		if t, err := civil.ParseTimestamp(m.GeneratedAt); err == nil && t.After(latest) {
			latest = t
			total.GeneratedAt = m.GeneratedAt
		}
		for id, t := range m.Tables {
			acc, ok := total.Tables[id]
			if !ok {
				acc = t
				acc.File = path.Dir(TableBase(id, Part{K: 0, N: n})) + "/"
				acc.Written, acc.Seconds = 0, 0
			}
			acc.Written += t.Written
			acc.Seconds += t.Seconds
			total.Tables[id] = acc
		}
		total.Files = append(total.Files, m.Files...)
	}
	sort.Slice(total.Files, func(i, j int) bool { return total.Files[i].Path < total.Files[j].Path })
	return &total
}
