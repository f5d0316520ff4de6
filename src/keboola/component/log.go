package component

import (
	"bytes"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"

	"github.com/sirupsen/logrus"

	"datagen/src/input"
)

// NewLogger returns a logger that prints plain lines the way Keboola shows
// them best, all on out (stdout: streamed into the job's events). The
// platform turns anything a successful job writes to stderr into an error
// event, so warnings go to stdout too, marked "Warning: "; stderr is left
// for the message of a failed run, which the caller prints. Fields follow
// the message as key=value pairs. Every line is passed through the masker.
func NewLogger(out io.Writer, m *input.Masker, debug bool) *logrus.Logger {
	l := logrus.New()
	l.SetOutput(io.Discard)
	l.SetFormatter(&plainFormatter{})
	l.SetLevel(logrus.InfoLevel)
	if debug {
		l.SetLevel(logrus.DebugLevel)
	}
	l.AddHook(&lineHook{out: out, mask: m})
	return l
}

// PlainFormatter returns the formatter of NewLogger's lines, for the
// other commands to log alike.
func PlainFormatter() logrus.Formatter { return plainFormatter{} }

// plainFormatter renders "message key=value ..." with a "Warning: " or
// "Error: " prefix on those levels and "Debug: " on debug lines.
type plainFormatter struct{}

// Format implements logrus.Formatter.
func (plainFormatter) Format(e *logrus.Entry) ([]byte, error) {
	var b bytes.Buffer
	switch {
	case e.Level <= logrus.ErrorLevel:
		b.WriteString("Error: ")
	case e.Level == logrus.WarnLevel:
		b.WriteString("Warning: ")
	case e.Level >= logrus.DebugLevel:
		b.WriteString("Debug: ")
	}
	b.WriteString(e.Message)
	keys := make([]string, 0, len(e.Data))
	for k := range e.Data {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := fmt.Sprint(e.Data[k])
		if strings.ContainsAny(v, " \"=") {
			v = fmt.Sprintf("%q", v)
		}
		fmt.Fprintf(&b, " %s=%s", k, v)
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

// lineHook writes every entry, masked, to one writer.
type lineHook struct {
	mu   sync.Mutex
	out  io.Writer
	mask *input.Masker
}

func (h *lineHook) Levels() []logrus.Level { return logrus.AllLevels }

func (h *lineHook) Fire(e *logrus.Entry) error {
	line, err := e.Logger.Formatter.Format(e)
	if err != nil {
		return err
	}
	s := h.mask.Mask(string(line))
	h.mu.Lock()
	defer h.mu.Unlock()
	_, err = io.WriteString(h.out, s)
	return err
}
