package store

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
)

// logger writes text records without time to buf.
func logger(buf *bytes.Buffer) *slog.Logger {
	return slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{
		Level: slog.LevelDebug,
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	}))
}

func TestSaveAndLookup(t *testing.T) {
	var buf bytes.Buffer
	log := logger(&buf)
	ctx := context.Background()
	m := &Mem{Values: map[string]int{}}
	if n := SaveAll(ctx, log, m, "a", "xx", "b", "yyy"); n != 2 {
		t.Fatalf("SaveAll = %d, want 2", n)
	}
	if v, err := Lookup(ctx, log, m, "b"); v != 3 || err != nil {
		t.Fatalf("Lookup(b) = %d, %v", v, err)
	}
	if _, err := Lookup(ctx, log, m, "z"); err == nil || err.Error() != `no "z"` {
		t.Fatalf("Lookup(z) err = %v", err)
	}
	if d := Describe(ctx, log, m); d != "2 values" {
		t.Fatalf("Describe = %q", d)
	}
	want := "level=INFO msg=saved key=a value=2\n" +
		"level=INFO msg=saved key=b value=3\n" +
		"level=INFO msg=missing key=z\n" +
		"level=DEBUG msg=describe n=2\n"
	if buf.String() != want {
		t.Fatalf("log:\n%s\nwant:\n%s", buf.String(), want)
	}
}

func TestSaveCancelled(t *testing.T) {
	var buf bytes.Buffer
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	m := &Mem{Values: map[string]int{}}
	var s Saver = m
	if err := s.Save(ctx, logger(&buf), "k", 1); err == nil {
		t.Fatal("Save on a cancelled context succeeded")
	}
	if len(m.Values) != 0 || !strings.Contains(buf.String(), "msg=\"not saved\" key=k") {
		t.Fatalf("values %v, log %q", m.Values, buf.String())
	}
}
